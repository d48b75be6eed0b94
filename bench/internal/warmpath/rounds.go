package warmpath

import (
	"context"
	"fmt"
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

// runRounds warms both paths up, then, per client count, alternates the
// paths round by round (direct first in even rounds, Yun first in odd ones)
// so that drift on a noisy machine hits both alike.
func runRounds(ctx context.Context, env *harness.Env, cfg Config, targets map[string]target) ([]round, error) {
	clock := load.Clock{Origin: time.Now()}
	for _, path := range []string{pathDirect, pathYun} {
		load.ClosedLoop{Phase: "warmup", Clock: clock, Workers: cfg.maxClients(), Duration: cfg.Warmup}.Run(ctx, targets[path].do)
	}
	var rounds []round
	for _, clients := range cfg.Clients {
		env.Logf("%d client(s): %d rounds of %v per path", clients, cfg.Rounds, cfg.Round)
		for i := range cfg.Rounds {
			order := []string{pathDirect, pathYun}
			if i%2 == 1 {
				order = []string{pathYun, pathDirect}
			}
			for _, path := range order {
				r := runRound(ctx, clock, cfg, targets[path], path, clients, i)
				rounds = append(rounds, r)
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

// cpuUse is CPU time spent by each party.
type cpuUse struct{ yun, instance, gen time.Duration }

func (a cpuUse) minus(b cpuUse) cpuUse {
	return cpuUse{a.yun - b.yun, a.instance - b.instance, a.gen - b.gen}
}

func (a cpuUse) plus(b cpuUse) cpuUse {
	return cpuUse{a.yun + b.yun, a.instance + b.instance, a.gen + b.gen}
}

// cpuMeter reads the CPU time of yun server, of the instances (yun's
// children, plus extraPID when the direct side is a hand-started server) and
// of this process.
type cpuMeter struct {
	yunPID, extraPID int
}

func (m *cpuMeter) read() cpuUse {
	var u cpuUse
	u.yun, _ = probe.CPUTime(fmt.Sprint(m.yunPID))
	u.instance, _ = probe.ChildrenCPU(m.yunPID)
	if m.extraPID > 0 {
		extra, _ := probe.CPUTime(fmt.Sprint(m.extraPID))
		u.instance += extra
	}
	u.gen, _ = probe.CPUTime("self")
	return u
}
