package load

import (
	"fmt"
	"time"
)

// Stage is a constant arrival rate held for a duration.
type Stage struct {
	Phase    string  // labels the stage's samples
	Rate     float64 // requests per second, > 0
	Duration time.Duration
}

// Arrival is one scheduled request.
type Arrival struct {
	At    time.Duration // offset from the run's origin
	Phase string
}

// Schedule returns the arrivals of stages run one after another from offset
// 0: within a stage they are evenly spaced 1/Rate apart, starting at the
// stage's beginning.
func Schedule(stages []Stage) ([]Arrival, error) {
	var out []Arrival
	var base time.Duration
	for i, st := range stages {
		if st.Rate <= 0 || st.Duration <= 0 {
			return nil, fmt.Errorf("stage %d: rate %v and duration %v must be positive", i, st.Rate, st.Duration)
		}
		n := int(st.Rate * st.Duration.Seconds())
		gap := float64(time.Second) / st.Rate
		for k := range n {
			out = append(out, Arrival{At: base + time.Duration(float64(k)*gap), Phase: st.Phase})
		}
		base += st.Duration
	}
	return out, nil
}

// End is the total duration of stages.
func End(stages []Stage) time.Duration {
	var d time.Duration
	for _, st := range stages {
		d += st.Duration
	}
	return d
}

// maxDoublings bounds Doubling whatever its arguments.
const maxDoublings = 24

// Doubling returns the stages from start to at least max req/s, doubling
// the rate every step: 10, 20, 40, … The last stage is the first rate ≥ max
// (at most maxDoublings stages). Each stage's phase is "NNN/s".
func Doubling(start, max float64, step time.Duration) []Stage {
	var stages []Stage
	for rate := start; len(stages) < maxDoublings; rate *= 2 {
		stages = append(stages, Stage{Phase: fmt.Sprintf("%g/s", rate), Rate: rate, Duration: step})
		if rate >= max || rate <= 0 {
			break
		}
	}
	return stages
}
