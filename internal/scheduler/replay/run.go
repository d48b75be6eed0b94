package replay

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
)

// Options shape a replay. The zero value is the default.
type Options struct {
	// ColdStart is how long an instance takes to start. Default 1s.
	ColdStart time.Duration
	// Concurrency is every app's instanceConcurrency: one instance serves
	// an app's concurrent calls, as in the paper's model. Default 200,
	// FC's maximum.
	Concurrency int
}

// Result is what one replay measured.
type Result struct {
	Trace  string `json:"trace"`
	Policy string `json:"policy"`
	Apps   int    `json:"apps"` // apps with at least one call
	// Invocations is the calls the scheduler admitted (its
	// yun_invocations_total), Sent those the replay sent; Failed those
	// that did not succeed (none are expected).
	Invocations int `json:"invocations"`
	Sent        int `json:"sent"`
	Failed      int `json:"failed"`
	// ColdStarts is the instances started on demand (a call found no
	// instance of its app with a free slot); Prewarms the instances a
	// policy started ahead of a predicted call. Both come from the
	// scheduler's own metrics.
	ColdStarts int `json:"coldStarts"`
	Prewarms   int `json:"prewarms"`
	// Waited is the calls that waited for an instance to start, whether
	// their own cold start, another call's or a pre-warm still starting.
	Waited int `json:"waited"`
	// AppColdP50 and AppColdP75 are the 50th and 75th percentiles over
	// apps of each app's cold starts per call, in percent.
	AppColdP50 float64 `json:"appColdP50"`
	AppColdP75 float64 `json:"appColdP75"`
	// WastedMBs is idle instance time × app memory, in megabyte-seconds:
	// instances ready with no call running, up to the trace's end.
	WastedMBs float64 `json:"wastedMBs"`
	// Elapsed is the wall-clock time the replay took.
	Elapsed time.Duration `json:"elapsedNs"`
	// PerApp holds the figures of each app, by index in the trace.
	PerApp []AppResult `json:"-"`
}

// AppResult is one app's share of a Result.
type AppResult struct {
	Calls, ColdStarts, Prewarms int
	WastedMBs                   float64
}

// Run replays tr through a real Scheduler configured with policy, on an
// engine whose instances start after opt.ColdStart and run each call for
// its duration. It must run inside a testing/synctest bubble: the
// scheduler's timers and the calls' arrivals then follow virtual time, and
// eight hours of calls replay as fast as the scheduler can take them.
func Run(tr *Trace, policy scheduler.KeepAlivePolicy, opt Options) (*Result, error) {
	wall := time.Now()
	if opt.ColdStart == 0 {
		opt.ColdStart = time.Second
	}
	if opt.Concurrency == 0 {
		opt.Concurrency = 200
	}
	start := time.Now()
	horizon := start.Add(tr.Length)
	eng := newEngine(opt.ColdStart, horizon)
	reg := prometheus.NewRegistry()
	cfg := scheduler.Config{
		KeepAlivePolicy: policy, Metrics: reg,
		MaxQueueWait: time.Hour, MaxQueueLength: 1 << 20, MaxInstances: 1000, AccountInstanceQuota: 1 << 20,
	}
	s, err := scheduler.New(cfg, eng, code{}, nil)
	if err != nil {
		return nil, err
	}
	targets := make([]scheduler.Target, len(tr.Apps))
	for i, a := range tr.Apps {
		fn := appFunction(i)
		targets[i] = scheduler.Target{Key: fn + "/LATEST/1", Function: fn, CodeChecksum: "1", Concurrency: opt.Concurrency,
			Spec: sandbox.Spec{Function: fn, Runtime: "replay", MemoryMB: a.MemoryMB}}
	}
	calls := make([]int, len(tr.Apps))
	var waited, failed atomic.Int64
	var wg sync.WaitGroup
	ctx := context.Background()
	for _, c := range tr.calls {
		if d := start.Add(c.At).Sub(time.Now()); d > 0 {
			time.Sleep(d)
		}
		calls[c.App]++
		wg.Go(func() {
			arrived := time.Now()
			inv := &sandbox.Invocation{Body: strconv.AppendInt(nil, int64(c.Duration), 10)}
			if _, err := s.Invoke(ctx, &targets[c.App], inv); err != nil {
				failed.Add(1)
			}
			if time.Since(arrived) > c.Duration {
				waited.Add(1)
			}
		})
	}
	time.Sleep(time.Until(horizon))
	wg.Wait()
	if err := s.Close(ctx); err != nil {
		return nil, err
	}
	cold, prewarm, admitted, err := gather(reg)
	if err != nil {
		return nil, err
	}
	r := &Result{Trace: tr.Name, Policy: scheduler.PolicyName(policy), Invocations: admitted, Sent: len(tr.calls),
		Failed: int(failed.Load()), Waited: int(waited.Load())}
	idle := eng.idleTime()
	var pct []float64
	r.PerApp = make([]AppResult, len(tr.Apps))
	for i, a := range tr.Apps {
		fn := appFunction(i)
		r.PerApp[i] = AppResult{Calls: calls[i], ColdStarts: cold[fn], Prewarms: prewarm[fn], WastedMBs: idle[fn].Seconds() * float64(a.MemoryMB)}
		r.ColdStarts += cold[fn]
		r.Prewarms += prewarm[fn]
		r.WastedMBs += idle[fn].Seconds() * float64(a.MemoryMB)
		if calls[i] > 0 {
			pct = append(pct, 100*float64(cold[fn])/float64(calls[i]))
		}
	}
	r.Apps = len(pct)
	r.AppColdP50, r.AppColdP75 = percentile(pct, 0.50), percentile(pct, 0.75)
	r.Elapsed = time.Since(wall) // virtual inside the bubble; the caller may overwrite it
	return r, nil
}

func appFunction(i int) string { return fmt.Sprintf("app%d/app", i) }

// gather reads the on-demand cold starts and the pre-warms per function,
// and the invocations admitted, from the scheduler's metrics.
func gather(reg *prometheus.Registry) (cold, prewarm map[string]int, invocations int, err error) {
	families, err := reg.Gather()
	if err != nil {
		return nil, nil, 0, err
	}
	cold, prewarm = make(map[string]int), make(map[string]int)
	for _, f := range families {
		for _, m := range f.GetMetric() {
			labels := make(map[string]string)
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			switch f.GetName() {
			case "yun_cold_starts_total":
				if labels["kind"] == "on-demand" {
					cold[labels["function"]] += int(m.GetCounter().GetValue())
				}
			case "yun_keepalive_prewarms_total":
				prewarm[labels["function"]] += int(m.GetCounter().GetValue())
			case "yun_invocations_total":
				invocations += int(m.GetCounter().GetValue())
			}
		}
	}
	return cold, prewarm, invocations, nil
}

// percentile is the nearest-rank p-quantile of vs (0 if empty).
func percentile(vs []float64, p float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}
