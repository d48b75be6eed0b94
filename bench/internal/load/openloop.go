package load

import (
	"context"
	"sync"
	"time"
)

// OpenLoop describes an open-loop run.
type OpenLoop struct {
	Clock    Clock
	Schedule []Arrival // ascending
	// MaxInFlight bounds the outstanding requests; an arrival beyond it is
	// recorded as CodeOverload and not sent. Default 4096.
	MaxInFlight int
	// Timeout bounds each request. Default 30s.
	Timeout time.Duration
}

// Run sends one request per arrival, each on its own goroutine, at its
// scheduled time (or at once when the generator is late), and returns when
// every request has ended or ctx is done. Samples come in arrival order.
func (o OpenLoop) Run(ctx context.Context, do Do) []Sample {
	o = o.withDefaults()
	samples := make([]Sample, len(o.Schedule))
	slots := make(chan struct{}, o.MaxInFlight)
	var wg sync.WaitGroup
	for i, a := range o.Schedule {
		if !o.waitUntil(ctx, a.At) {
			samples = samples[:i]
			break
		}
		s := &samples[i]
		*s = Sample{Phase: a.Phase, Scheduled: a.At}
		select {
		case slots <- struct{}{}:
		default:
			s.Start, s.End, s.Code = o.Clock.Now(), o.Clock.Now(), CodeOverload
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			o.send(ctx, s, do)
		})
	}
	wg.Wait()
	return samples
}

func (o OpenLoop) withDefaults() OpenLoop {
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 4096
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return o
}

// waitUntil sleeps until the offset at; false when ctx ended first.
func (o OpenLoop) waitUntil(ctx context.Context, at time.Duration) bool {
	d := at - o.Clock.Now()
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (o OpenLoop) send(ctx context.Context, s *Sample, do Do) {
	rctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	s.Start = o.Clock.Now()
	out := do(rctx)
	s.End = o.Clock.Now()
	s.Status, s.Code, s.Value = out.Status, out.Code, out.Value
}
