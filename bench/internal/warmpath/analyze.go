package warmpath

import (
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/stats"
)

// Targets of the warm path (from the scheduler issue).
const (
	targetRatio    = 0.5                    // Yun's throughput / direct, at the largest client count
	targetAddedP50 = 150 * time.Microsecond // at the smallest client count
)

// pathStats is one path at one client count, over all its rounds.
type pathStats struct {
	requests    int
	latency     stats.Summary
	throughputs []float64 // per round, successful req/s
	median      float64
	errors      map[string]int
	cpuPerReq   cpuUse         // CPU per successful request
	answers     map[string]int // answer bodies: the instance's port
	latencies   []time.Duration
}

// comparison is both paths at one client count.
type comparison struct {
	clients            int
	direct, yun        pathStats
	ratio              float64 // median Yun throughput / median direct throughput
	roundRatio         float64 // median of the per-round ratios
	addedP50, addedP99 time.Duration
}

func (r *result) comparisons() []comparison {
	var out []comparison
	for _, clients := range r.cfg.Clients {
		c := comparison{clients: clients, direct: r.pathStats(pathDirect, clients), yun: r.pathStats(pathYun, clients)}
		if c.direct.median > 0 {
			c.ratio = c.yun.median / c.direct.median
		}
		c.roundRatio = stats.Median(r.roundRatios(clients))
		c.addedP50 = c.yun.latency.P50 - c.direct.latency.P50
		c.addedP99 = c.yun.latency.P99 - c.direct.latency.P99
		out = append(out, c)
	}
	return out
}

func (r *result) pathStats(path string, clients int) pathStats {
	p := pathStats{answers: map[string]int{}}
	var samples []load.Sample
	var cpu cpuUse
	for _, rd := range r.rounds {
		if rd.path != path || rd.clients != clients {
			continue
		}
		samples = append(samples, rd.samples...)
		p.throughputs = append(p.throughputs, rd.throughput())
		cpu = cpu.plus(rd.cpu)
	}
	p.requests = len(samples)
	p.latencies = stats.Latencies(samples, "")
	p.latency = stats.Summarize(p.latencies)
	p.median = stats.Median(p.throughputs)
	p.errors = stats.Errors(samples, "")
	for _, s := range samples {
		if s.OK() {
			p.answers[s.Value]++
		}
	}
	if ok := len(p.latencies); ok > 0 {
		n := time.Duration(ok)
		p.cpuPerReq = cpuUse{yun: cpu.yun / n, instance: cpu.instance / n, gen: cpu.gen / n}
	}
	return p
}

// roundRatios pairs the i-th Yun round with the i-th direct round.
func (r *result) roundRatios(clients int) []float64 {
	direct := map[int]float64{}
	for _, rd := range r.rounds {
		if rd.path == pathDirect && rd.clients == clients {
			direct[rd.index] = rd.throughput()
		}
	}
	var out []float64
	for _, rd := range r.rounds {
		if d := direct[rd.index]; rd.path == pathYun && rd.clients == clients && d > 0 {
			out = append(out, rd.throughput()/d)
		}
	}
	return out
}

// allSamples are every round's samples, for the raw CSV.
func (r *result) allSamples() []load.Sample {
	var out []load.Sample
	for _, rd := range r.rounds {
		out = append(out, rd.samples...)
	}
	return out
}
