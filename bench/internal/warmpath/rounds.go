package warmpath

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/probe"
)

// round is one closed-loop run on one path.
type round struct {
	path    string
	clients int
	index   int
	samples []load.Sample
	elapsed time.Duration
	cpu     cpuUse
}

// ok counts the successful requests.
func (r round) ok() int {
	n := 0
	for _, s := range r.samples {
		if s.OK() {
			n++
		}
	}
	return n
}

// throughput is successful requests per second.
func (r round) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ok()) / r.elapsed.Seconds()
}

// runRounds warms every path up, then, per client count, runs each path
// once per round, starting each round one path further along (direct first in
// round 0, yun first in round 1, ...) so that drift on a noisy machine hits
// them all alike.
func runRounds(ctx context.Context, env *harness.Env, cfg Config, paths []string, targets map[string]target) ([]round, error) {
	clock := load.Clock{Origin: time.Now()}
	for _, path := range paths {
		load.ClosedLoop{Phase: "warmup", Clock: clock, Workers: cfg.maxClients(), Duration: cfg.Warmup}.Run(ctx, targets[path].do)
	}
	var rounds []round
	for _, clients := range cfg.Clients {
		env.Logf("%d client(s): %d rounds of %v per path (%s)", clients, cfg.Rounds, cfg.Round, strings.Join(paths, ", "))
		for i := range cfg.Rounds {
			k := i % len(paths)
			for _, path := range append(slices.Clone(paths[k:]), paths[:k]...) {
				rounds = append(rounds, runRound(ctx, clock, cfg, targets[path], path, clients, i))
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
	}
	return rounds, nil
}

func runRound(ctx context.Context, clock load.Clock, cfg Config, t target, path string, clients, index int) round {
	phase := fmt.Sprintf("%s/%d/%d", path, clients, index)
	before := t.cpu.read()
	samples := load.ClosedLoop{Phase: phase, Clock: clock, Workers: clients, Duration: cfg.Round}.Run(ctx, t.do)
	return round{path: path, clients: clients, index: index, samples: samples,
		elapsed: span(samples), cpu: t.cpu.read().minus(before)}
}

// span is the time from the first request's start to the last one's end.
func span(samples []load.Sample) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	first, last := samples[0].Start, samples[0].End
	for _, s := range samples {
		first, last = min(first, s.Start), max(last, s.End)
	}
	return last - first
}

// cpuUse is CPU time spent by each party: the process between the clients
// and the instance (yun server or a reference proxy; none on the direct
// path), of it in the kernel (middleSys), the instance and this process (the
// clients).
type cpuUse struct{ middle, middleSys, instance, gen time.Duration }

func (a cpuUse) minus(b cpuUse) cpuUse {
	return cpuUse{a.middle - b.middle, a.middleSys - b.middleSys, a.instance - b.instance, a.gen - b.gen}
}

func (a cpuUse) plus(b cpuUse) cpuUse {
	return cpuUse{a.middle + b.middle, a.middleSys + b.middleSys, a.instance + b.instance, a.gen + b.gen}
}

// per is the use per request over n requests.
func (a cpuUse) per(n int) cpuUse {
	d := time.Duration(n)
	return cpuUse{a.middle / d, a.middleSys / d, a.instance / d, a.gen / d}
}

// cpuMeter reads the CPU time of the middle process (when middlePID is
// positive), of the instances (yun's children, plus extraPID when the direct
// side is a hand-started server) and of this process.
type cpuMeter struct {
	middlePID, yunPID, extraPID int
}

func (m *cpuMeter) read() cpuUse {
	var u cpuUse
	if m.middlePID > 0 {
		u.middle, u.middleSys, _ = probe.CPUTimes(fmt.Sprint(m.middlePID))
	}
	u.instance, _ = probe.ChildrenCPU(m.yunPID)
	if m.extraPID > 0 {
		extra, _ := probe.CPUTime(fmt.Sprint(m.extraPID))
		u.instance += extra
	}
	u.gen, _ = probe.CPUTime("self")
	return u
}
