package provision

import "time"

// Window is a sliding mean of load samples over a span. Its zero value is
// empty with a zero span: set Span before use.
type Window struct {
	Span    time.Duration
	samples []sample
}

type sample struct {
	at    time.Time
	value float64
}

// Add records value at now and forgets samples older than the span.
func (w *Window) Add(now time.Time, value float64) {
	w.samples = append(w.samples, sample{now, value})
	cut := 0
	for cut < len(w.samples) && now.Sub(w.samples[cut].at) > w.Span {
		cut++
	}
	w.samples = w.samples[cut:]
}

// Mean returns the mean of the samples kept, or 0 without any.
func (w *Window) Mean() float64 {
	if len(w.samples) == 0 {
		return 0
	}
	sum := 0.0
	for _, s := range w.samples {
		sum += s.value
	}
	return sum / float64(len(w.samples))
}
