package load

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// ClosedLoop describes a closed-loop run: Workers goroutines, each sending
// its next request as soon as the previous one ended.
type ClosedLoop struct {
	Phase    string
	Clock    Clock
	Workers  int
	Duration time.Duration // no request starts after this much time
	// MaxRequests bounds the requests of the whole run. Default 10,000,000.
	MaxRequests int64
	// Timeout bounds each request. Default 30s.
	Timeout time.Duration
}

// Run drives the workers and returns every request's sample once all of
// them have stopped.
func (c ClosedLoop) Run(ctx context.Context, do Do) []Sample {
	c = c.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, c.Duration+c.Timeout)
	defer cancel()
	deadline := c.Clock.Now() + c.Duration
	var budget atomic.Int64
	budget.Store(c.MaxRequests)
	perWorker := make([][]Sample, c.Workers)
	var wg sync.WaitGroup
	for w := range perWorker {
		wg.Go(func() {
			for ctx.Err() == nil && c.Clock.Now() < deadline && budget.Add(-1) >= 0 {
				perWorker[w] = append(perWorker[w], c.one(ctx, do))
			}
		})
	}
	wg.Wait()
	var all []Sample
	for _, s := range perWorker {
		all = append(all, s...)
	}
	return all
}

func (c ClosedLoop) withDefaults() ClosedLoop {
	if c.Workers <= 0 {
		c.Workers = 1
	}
	if c.MaxRequests <= 0 {
		c.MaxRequests = 10_000_000
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	return c
}

func (c ClosedLoop) one(ctx context.Context, do Do) Sample {
	rctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	start := c.Clock.Now()
	out := do(rctx)
	return Sample{Phase: c.Phase, Scheduled: start, Start: start, End: c.Clock.Now(),
		Status: out.Status, Code: out.Code, Value: out.Value}
}
