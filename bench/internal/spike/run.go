package spike

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/probe"
	"github.com/yun-fc/yun/bench/internal/workload"
	"github.com/yun-fc/yun/internal/client"
)

// functionName is the function the run deploys.
const functionName = "bench-spike"

// span is when a phase ran, as offsets from the run's origin.
type span struct {
	phase
	from, to time.Duration
}

// result is everything a run measured.
type result struct {
	cfg     Config
	ready   string // how readiness of the provisioned instances was seen
	spans   []span
	samples []load.Sample
	ticks   []probe.Tick
	source  string
	fnCPU   float64 // the vCPUs the function got
	limits  string  // the flow-control limits in force
	quiet   string  // how the run waited for a quiet machine; "" when it did not
}

// Run measures and writes docs/benchmarks/spike.{md,svg} and the raw CSV. When
// the server lacks PutProvisionConfig it writes a report saying so and
// returns an error wrapping ErrUnsupported.
func Run(ctx context.Context, env *harness.Env, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	r, err := measure(ctx, env, cfg)
	if errors.Is(err, ErrUnsupported) {
		path, werr := env.Write(harness.Output{Name: name, Report: unsupportedReport(env, err)})
		if werr == nil {
			env.Logf("wrote %s", path)
		}
		return errors.Join(err, werr)
	}
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

func measure(ctx context.Context, env *harness.Env, cfg Config) (*result, error) {
	env.Logf("building yun and starting a server")
	srv, err := env.StartServer(ctx, harness.ServerConfig{Name: "spike"})
	if err != nil {
		return nil, err
	}
	defer srv.Stop(30 * time.Second)
	c := harness.NewClient(srv.Endpoint, 4*cfg.Target*cfg.Concurrency)
	fnCPU, err := deploy(ctx, env, c, cfg)
	if err != nil {
		return nil, err
	}
	clock := load.Clock{Origin: time.Now()}
	sampler := probe.Start(probe.Config{PID: srv.PID, MetricsURL: srv.Endpoint + "/metrics", Clock: clock,
		Interval: 250 * time.Millisecond})
	r := &result{cfg: cfg, source: sampler.Source(), fnCPU: fnCPU, limits: srv.Limits}
	err = r.provisionAndLoad(ctx, env, c, srv.Endpoint, clock, sampler)
	r.ticks = sampler.Stop()
	if err != nil {
		return nil, err
	}
	return r, srv.Stop(30 * time.Second)
}

// deploy creates the function and returns the vCPUs it got.
func deploy(ctx context.Context, env *harness.Env, c *client.Client, cfg Config) (float64, error) {
	fn, err := workload.NodeSlow(env.Repo, functionName, cfg.Concurrency, workload.Size{MemoryMB: cfg.MemoryMB, CPU: cfg.CPU})
	if err != nil {
		return 0, err
	}
	created, err := c.CreateFunction(ctx, fn)
	if err != nil {
		return 0, fmt.Errorf("spike: deploy: %w", err)
	}
	return created.CPU, nil
}

func (r *result) provisionAndLoad(ctx context.Context, env *harness.Env, c *client.Client, endpoint string, clock load.Clock, s *probe.Sampler) error {
	env.Logf("PutProvisionConfig target %d", r.cfg.Target)
	if err := putProvision(ctx, c, functionName, r.cfg.Target); err != nil {
		return err
	}
	ready, err := awaitProvisioned(ctx, c, functionName, r.cfg.Target, r.cfg.ReadyWait, func() int { return s.Latest().Instances })
	if err != nil {
		return err
	}
	r.ready = ready
	invoker, err := workload.NewInvoker(c.HTTPClient, endpoint, harness.AccessKeyID, harness.AccessKeySecret,
		functionName, []byte(strconv.Itoa(r.cfg.SleepMs)))
	if err != nil {
		return err
	}
	do := invoker.Do
	if r.quiet, err = env.AwaitQuiet(ctx); err != nil {
		return err
	}
	if r.cfg.Warmup > 0 {
		workers := r.cfg.inFlight()[0].workers
		env.Logf("%s: %d in flight for %v (not judged)", phaseWarmup, workers, r.cfg.Warmup)
		loop := load.ClosedLoop{Phase: phaseWarmup, Clock: clock, Workers: workers, Duration: r.cfg.Warmup, Timeout: 20 * time.Second}
		r.samples = append(r.samples, loop.Run(ctx, do)...)
	}
	for _, p := range r.cfg.inFlight() {
		env.Logf("%s: %d in flight for %v", p.name, p.workers, r.cfg.Phase)
		sp := span{phase: p, from: clock.Now()}
		loop := load.ClosedLoop{Phase: p.name, Clock: clock, Workers: p.workers, Duration: r.cfg.Phase, Timeout: 20 * time.Second}
		r.samples = append(r.samples, loop.Run(ctx, do)...)
		sp.to = clock.Now()
		r.spans = append(r.spans, sp)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}
