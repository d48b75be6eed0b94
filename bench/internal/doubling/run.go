package doubling

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/probe"
	"github.com/yun-fc/yun/bench/internal/workload"
)

// functionName is the function the run deploys.
const functionName = "bench-slow"

// Phases before the ramp.
const (
	phaseWarmup = "warmup"
	phaseSteady = "steady"
)

// result is everything a run measured.
type result struct {
	cfg      Config
	stages   []load.Stage
	samples  []load.Sample
	ticks    []probe.Tick
	source   string
	families []string
	fnCPU    float64 // the vCPUs the function got
	limits   string  // the flow-control limits in force
	quiet    string  // how the run waited for a quiet machine; "" when it did not
}

// Run measures and writes docs/benchmarks/doubling.{md,svg} and the raw CSV.
func Run(ctx context.Context, env *harness.Env, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	r, err := measure(ctx, env, cfg)
	if err != nil {
		return err
	}
	path, err := env.Write(r.output(env))
	if err != nil {
		return err
	}
	env.Logf("wrote %s", path)
	return nil
}

func (c Config) stages() []load.Stage {
	return append([]load.Stage{
		{Phase: phaseWarmup, Rate: c.SteadyRate, Duration: c.Warmup},
		{Phase: phaseSteady, Rate: c.SteadyRate, Duration: c.Steady},
	}, load.Doubling(c.StartRate, c.MaxRate, c.Step)...)
}

func measure(ctx context.Context, env *harness.Env, cfg Config) (*result, error) {
	env.Logf("building yun and starting a server")
	srv, err := env.StartServer(ctx, harness.ServerConfig{Name: "doubling", KeepAlive: cfg.KeepAlive, Args: cfg.ServerArgs})
	if err != nil {
		return nil, err
	}
	defer srv.Stop(30 * time.Second)
	c := harness.NewClient(srv.Endpoint, cfg.MaxInFlight)
	fn, err := workload.NodeSlow(env.Repo, functionName, cfg.Concurrency, workload.Size{MemoryMB: cfg.MemoryMB, CPU: cfg.CPU})
	if err != nil {
		return nil, err
	}
	created, err := c.CreateFunction(ctx, fn)
	if err != nil {
		return nil, fmt.Errorf("doubling: deploy: %w", err)
	}
	invoker, err := workload.NewInvoker(c.HTTPClient, srv.Endpoint, harness.AccessKeyID, harness.AccessKeySecret,
		functionName, []byte(strconv.Itoa(cfg.SleepMs)))
	if err != nil {
		return nil, err
	}
	do := invoker.Do
	if out := do(ctx); out.Code != "" {
		return nil, fmt.Errorf("doubling: first invocation failed: %s (status %d)", out.Code, out.Status)
	}
	r := &result{cfg: cfg, stages: cfg.stages(), fnCPU: created.CPU, limits: srv.Limits}
	schedule, err := load.Schedule(r.stages)
	if err != nil {
		return nil, err
	}
	env.Logf("open loop: %d requests over %v", len(schedule), load.End(r.stages))
	if r.quiet, err = env.AwaitQuiet(ctx); err != nil {
		return nil, err
	}
	clock := load.Clock{Origin: time.Now()}
	sampler := probe.Start(probe.Config{PID: srv.PID, MetricsURL: srv.Endpoint + "/metrics", Clock: clock})
	procs := runtime.GOMAXPROCS(cfg.GenProcs)
	r.samples = load.OpenLoop{Clock: clock, Schedule: schedule, MaxInFlight: cfg.MaxInFlight, Timeout: 20 * time.Second}.Run(ctx, do)
	runtime.GOMAXPROCS(procs)
	r.ticks, r.source, r.families = sampler.Stop(), sampler.Source(), sampler.Families()
	if err := srv.Stop(30 * time.Second); err != nil {
		env.Logf("warning: %v", err)
	}
	return r, ctx.Err()
}
