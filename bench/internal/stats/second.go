package stats

import (
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
)

// Second is one second of a run.
type Second struct {
	At      int            // seconds since the series' origin
	Offered int            // requests scheduled in this second
	Served  int            // successful answers that ended in this second
	Errors  map[string]int // failed requests scheduled in this second, by code
	Latency Summary        // of the successful requests scheduled in this second
	Lag     Summary        // generator lag of the requests scheduled in this second
}

// ErrorCount is the number of failed requests of the second.
func (s Second) ErrorCount() int {
	n := 0
	for _, c := range s.Errors {
		n += c
	}
	return n
}

// BySecond splits samples into n seconds counted from origin. Requests
// scheduled (or, for Served, ended) outside [origin, origin+n s) are left
// out.
func BySecond(samples []load.Sample, origin time.Duration, n int) []Second {
	secs := make([]Second, n)
	lat := make([][]time.Duration, n)
	lag := make([][]time.Duration, n)
	index := func(t time.Duration) int {
		if t < origin {
			return -1
		}
		return int((t - origin) / time.Second)
	}
	for _, s := range samples {
		if i := index(s.End); s.OK() && i >= 0 && i < n {
			secs[i].Served++
		}
		i := index(s.Scheduled)
		if i < 0 || i >= n {
			continue
		}
		secs[i].Offered++
		lag[i] = append(lag[i], s.Lag())
		if s.OK() {
			lat[i] = append(lat[i], s.Latency())
			continue
		}
		if secs[i].Errors == nil {
			secs[i].Errors = map[string]int{}
		}
		secs[i].Errors[s.Code]++
	}
	for i := range secs {
		secs[i].At = i
		secs[i].Latency, secs[i].Lag = Summarize(lat[i]), Summarize(lag[i])
	}
	return secs
}

// Latencies returns the latencies of the successful samples of a phase
// ("" for all).
func Latencies(samples []load.Sample, phase string) []time.Duration {
	var out []time.Duration
	for _, s := range samples {
		if s.OK() && (phase == "" || s.Phase == phase) {
			out = append(out, s.Latency())
		}
	}
	return out
}

// Errors counts the failed samples of a phase ("" for all) by code.
func Errors(samples []load.Sample, phase string) map[string]int {
	out := map[string]int{}
	for _, s := range samples {
		if !s.OK() && (phase == "" || s.Phase == phase) {
			out[s.Code]++
		}
	}
	return out
}
