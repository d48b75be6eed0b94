package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/workload"
	"github.com/yun-fc/yun/internal/client"
)

// submission is the outcome of the submitting phase.
type submission struct {
	Samples []load.Sample // one per request, Phase "submit"; Value is the task id when accepted
	TaskIDs []string      // of every accepted invocation, in acceptance order per client
	Start   time.Duration // first request handed to the transport
	End     time.Duration // last answer
}

// submit sends cfg.Tasks async invocations of the load function from
// cfg.Clients closed-loop clients, each sending its next as soon as the
// previous one is answered. It stops after cfg.Tasks requests or
// cfg.SubmitLimit, whichever comes first.
func submit(ctx context.Context, c *client.Client, clock load.Clock, cfg Config) submission {
	ctx, cancel := context.WithTimeout(ctx, cfg.SubmitLimit+cfg.RequestLimit)
	defer cancel()
	deadline := clock.Now() + cfg.SubmitLimit
	var next atomic.Int64
	perClient := make([][]load.Sample, cfg.Clients)
	start := clock.Now()
	var wg sync.WaitGroup
	for w := range perClient {
		wg.Go(func() {
			for ctx.Err() == nil && clock.Now() < deadline {
				i := next.Add(1) - 1
				if i >= int64(cfg.Tasks) {
					return
				}
				perClient[w] = append(perClient[w], submitOne(ctx, c, clock, cfg.RequestLimit, i))
			}
		})
	}
	wg.Wait()
	return collect(perClient, start, clock.Now())
}

// submitOne sends invocation i and returns its sample.
func submitOne(ctx context.Context, c *client.Client, clock load.Clock, limit time.Duration, i int64) load.Sample {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	body := fmt.Appendf(nil, `{"name":"task-%d"}`, i)
	s := load.Sample{Phase: "submit", Start: clock.Now()}
	s.Scheduled = s.Start
	res, err := c.Invoke(ctx, loadFunction, client.InvokeOptions{Async: true, Body: body})
	s.End = clock.Now()
	switch {
	case err != nil:
		out := workload.Classify(ctx, err)
		s.Status, s.Code = out.Status, out.Code
	case res.Status != http.StatusAccepted:
		s.Status, s.Code = res.Status, fmt.Sprintf("HTTP%d", res.Status)
	case res.Header.Get("x-fc-async-task-id") == "":
		s.Status, s.Code = res.Status, "NoTaskID"
	default:
		s.Status, s.Value = res.Status, res.Header.Get("x-fc-async-task-id")
	}
	return s
}

func collect(perClient [][]load.Sample, start, end time.Duration) submission {
	sub := submission{Start: start, End: end}
	for _, samples := range perClient {
		for _, s := range samples {
			sub.Samples = append(sub.Samples, s)
			if s.OK() {
				sub.TaskIDs = append(sub.TaskIDs, s.Value)
			}
		}
	}
	return sub
}
