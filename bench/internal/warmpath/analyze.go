package warmpath

import (
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/stats"
)

// Targets of the warm path (from the scheduler issue).
const (
	targetRatio    = 0.5                    // Yun's throughput / direct's, at the largest client count
	targetAddedP50 = 150 * time.Microsecond // at the smallest client count
)

// pathStats is one path at one client count, over all its rounds.
type pathStats struct {
	clients     int
	requests    int
	latency     stats.Summary
	throughputs []float64 // per round, successful req/s
	median      float64
	errors      map[string]int
	cpuPerReq   cpuUse         // CPU per successful request
	answers     map[string]int // answer bodies: the instance's port
	latencies   []time.Duration
}

// comparison is every path at one client count.
type comparison struct {
	clients int
	direct  pathStats
	yun     versus
	refs    []versus // the reference proxies, in refKinds' order
}

// versus is one path against direct at the same client count.
type versus struct {
	path               string
	stats              pathStats
	ratio              float64 // median throughput / direct's median throughput
	roundRatio         float64 // median of the per-round ratios
	addedP50, addedP99 time.Duration
}

func (r *result) comparisons() []comparison {
	var out []comparison
	for _, clients := range r.cfg.Clients {
		c := comparison{clients: clients, direct: r.pathStats(pathDirect, clients)}
		c.yun = r.versus(pathYun, c.direct)
		for _, k := range r.cfg.Refs {
			c.refs = append(c.refs, r.versus(k, c.direct))
		}
		out = append(out, c)
	}
	return out
}

// all is Yun, then the reference proxies.
func (c comparison) all() []versus { return append([]versus{c.yun}, c.refs...) }

func (r *result) versus(path string, direct pathStats) versus {
	v := versus{path: path, stats: r.pathStats(path, direct.clients)}
	if direct.median > 0 {
		v.ratio = v.stats.median / direct.median
	}
	v.roundRatio = stats.Median(r.roundRatios(path, direct.clients))
	v.addedP50 = v.stats.latency.P50 - direct.latency.P50
	v.addedP99 = v.stats.latency.P99 - direct.latency.P99
	return v
}

func (r *result) pathStats(path string, clients int) pathStats {
	p := pathStats{clients: clients, answers: map[string]int{}}
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
		p.cpuPerReq = cpu.per(ok)
	}
	return p
}

// roundRatios pairs path's i-th round with direct's i-th round.
func (r *result) roundRatios(path string, clients int) []float64 {
	direct := map[int]float64{}
	for _, rd := range r.rounds {
		if rd.path == pathDirect && rd.clients == clients {
			direct[rd.index] = rd.throughput()
		}
	}
	var out []float64
	for _, rd := range r.rounds {
		if d := direct[rd.index]; rd.path == path && rd.clients == clients && d > 0 {
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
