package main

import (
	"context"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/workload"
	"github.com/yun-fc/yun/internal/client"
)

// syncProbe is the sequential sync caller of the probe function: one request
// per tick, never two in flight (a tick that falls while a request is out is
// dropped, so a slow answer delays the next probe instead of piling up).
type syncProbe struct {
	cancel  context.CancelFunc
	done    chan struct{} // closed once samples is final
	samples []load.Sample
}

// startProbe starts probing; the samples are labelled later by phase.
// It stops by itself after maxRun.
func startProbe(ctx context.Context, c *client.Client, clock load.Clock, every, limit, maxRun time.Duration) *syncProbe {
	ctx, cancel := context.WithTimeout(ctx, maxRun)
	p := &syncProbe{cancel: cancel, done: make(chan struct{})}
	do := workload.Invoke(c, probeFunction, []byte(`{"name":"probe"}`))
	go func() {
		defer close(p.done)
		p.samples = probeLoop(ctx, clock, every, limit, do)
	}()
	return p
}

// Stop ends probing, waits for its goroutine and returns every sample.
// Idempotent.
func (p *syncProbe) Stop() []load.Sample {
	p.cancel()
	<-p.done
	return p.samples
}

func probeLoop(ctx context.Context, clock load.Clock, every, limit time.Duration, do load.Do) []load.Sample {
	tick := time.NewTicker(every)
	defer tick.Stop()
	var samples []load.Sample
	for {
		select {
		case <-ctx.Done():
			return samples
		case <-tick.C:
		}
		rctx, cancel := context.WithTimeout(ctx, limit)
		start := clock.Now()
		out := do(rctx)
		cancel()
		if ctx.Err() != nil {
			return samples // cut short by Stop: not a measurement
		}
		samples = append(samples, load.Sample{Scheduled: start, Start: start, End: clock.Now(),
			Status: out.Status, Code: out.Code, Value: out.Value})
	}
}
