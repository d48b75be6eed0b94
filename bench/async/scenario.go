package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/probe"
	"github.com/yun-fc/yun/bench/internal/report"
)

// result is everything a run measured.
type result struct {
	cfg     Config
	machine report.Machine
	limits  string
	bounds  bounds
	accept  acceptFigures
	drain   drainFigures
	polls   int
	timeout bool
	probes  []load.Sample // labelled by phase
	submits []load.Sample
	cpu     []cpuSpan
	end     time.Duration
}

// Run runs the benchmark in env and writes its report.
func Run(ctx context.Context, env *harness.Env, cfg Config) error {
	r := &result{cfg: cfg, machine: report.DetectMachine(ctx, env.Repo)}
	srv, err := env.StartServer(ctx, harness.ServerConfig{Name: "async"})
	if err != nil {
		return err
	}
	r.limits = srv.Limits
	c := harness.NewClient(srv.Endpoint, cfg.Clients+4)
	if err := harness.Ping(ctx, c, 30*time.Second); err != nil {
		return fmt.Errorf("server not answering: %w", err)
	}
	env.Logf("server %s (pid %d); deploying %s and %s", srv.Endpoint, srv.PID, loadFunction, probeFunction)
	if err := deploy(ctx, c, env.Repo, cfg); err != nil {
		return err
	}
	if err := measure(ctx, env, srv, cfg, r); err != nil {
		return err
	}
	if err := srv.Stop(30 * time.Second); err != nil {
		return err
	}
	return write(env, r)
}

// measure runs the phases: baseline, submitting, draining, after.
func measure(ctx context.Context, env *harness.Env, srv *harness.Server, cfg Config, r *result) error {
	clock := load.Clock{Origin: time.Now()}
	maxRun := cfg.Baseline + cfg.SubmitLimit + cfg.DrainLimit + cfg.After + 2*time.Minute
	p := startProbe(ctx, harness.NewClient(srv.Endpoint, 2), clock, cfg.ProbeEvery, cfg.RequestLimit, maxRun)
	defer p.Stop()
	cpu := newCPUMeter(srv.PID, clock)
	env.Logf("baseline: sync probe only for %v", cfg.Baseline)
	sleep(ctx, cfg.Baseline)
	cpu.mark("baseline")
	env.Logf("submitting %d async invocations from %d clients", cfg.Tasks, cfg.Clients)
	sub := submit(ctx, harness.NewClient(srv.Endpoint, cfg.Clients+4), clock, cfg)
	cpu.mark("submitting")
	r.accept, r.submits = acceptOf(sub), sub.Samples
	env.Logf("accepted %d of %d in %v (%.0f/s); waiting for the drain", r.accept.Accepted, r.accept.Sent,
		r.accept.Duration.Round(time.Millisecond), r.accept.Rate)
	dr, err := awaitDrain(ctx, harness.NewClient(srv.Endpoint, 4), clock, sub, cfg)
	if err != nil {
		return err
	}
	cpu.mark("draining")
	r.drain, r.polls, r.timeout = drainOf(dr.Tasks, clock.Origin, sub.Start), dr.Polls, dr.TimedOut
	env.Logf("drain: %d succeeded, last ended at %v (%.0f/s end to end)", r.drain.Succeeded, r.drain.LastEnd.Round(time.Millisecond), r.drain.Rate)
	afterStart := clock.Now()
	sleep(ctx, cfg.After)
	cpu.mark("after")
	r.end = clock.Now()
	r.bounds = bounds{SubmitStart: sub.Start, SubmitEnd: sub.End, DrainEnd: max(r.drain.LastEnd, sub.End), AfterStart: afterStart}
	r.probes = label(p.Stop(), r.bounds)
	r.cpu = cpu.spans
	return ctx.Err()
}

// cpuSpan is the CPU used by yun, its instances and this benchmark in one
// span of wall time.
type cpuSpan struct {
	Name                  string
	Wall                  time.Duration
	Yun, Instances, Bench time.Duration
}

// cpuMeter reads /proc at each phase's end.
type cpuMeter struct {
	pid   int
	clock load.Clock
	last  cpuSpan // cumulative readings at the previous mark, Wall = its offset
	spans []cpuSpan
}

func newCPUMeter(pid int, clock load.Clock) *cpuMeter {
	m := &cpuMeter{pid: pid, clock: clock}
	m.last = m.read()
	return m
}

func (m *cpuMeter) read() cpuSpan {
	yun, _ := probe.CPUTime(strconv.Itoa(m.pid))
	kids, _ := probe.ChildrenCPU(m.pid)
	self, _ := probe.CPUTime("self")
	return cpuSpan{Wall: m.clock.Now(), Yun: yun, Instances: kids, Bench: self}
}

// mark closes the span name at now.
func (m *cpuMeter) mark(name string) {
	now := m.read()
	m.spans = append(m.spans, cpuSpan{Name: name, Wall: now.Wall - m.last.Wall, Yun: now.Yun - m.last.Yun,
		Instances: now.Instances - m.last.Instances, Bench: now.Bench - m.last.Bench})
	m.last = now
}
