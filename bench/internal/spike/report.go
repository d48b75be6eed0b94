package spike

import (
	"fmt"
	"math"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/plot"
	"github.com/yun-fc/yun/bench/internal/probe"
	"github.com/yun-fc/yun/bench/internal/report"
	"github.com/yun-fc/yun/bench/internal/stats"
	"github.com/yun-fc/yun/bench/internal/timeline"
)

// name names the report files.
const name = "spike"

// phaseStats is one phase's figures.
type phaseStats struct {
	span
	requests     int
	throughput   float64
	latency      stats.Summary
	errors       map[string]int
	coldStarts   int // -1 when unknown
	maxInstances int // -1 when unknown
}

func (r *result) phaseStats() []phaseStats {
	var out []phaseStats
	for _, sp := range r.spans {
		p := phaseStats{span: sp, latency: stats.Summarize(stats.Latencies(r.samples, sp.name)),
			errors: stats.Errors(r.samples, sp.name)}
		for _, s := range r.samples {
			if s.Phase == sp.name {
				p.requests++
			}
		}
		if d := sp.to - sp.from; d > 0 {
			p.throughput = float64(p.latency.N) / d.Seconds()
		}
		p.coldStarts, p.maxInstances = probe.Between(r.ticks, sp.from, sp.to)
		out = append(out, p)
	}
	return out
}

func (r *result) output(env *harness.Env) harness.Output {
	ps := r.phaseStats()
	n := int(math.Ceil(r.spans[len(r.spans)-1].to.Seconds()))
	rows := timeline.Build(r.samples, r.ticks, n)
	var d report.Doc
	d.Heading(1, "Spike with provisioned instances")
	r.writeSetup(&d)
	r.writeVerdict(&d, ps)
	d.Image("latency, rates, instances and CPU per second", name+".svg")
	writePhases(&d, ps)
	d.Heading(2, "Per second")
	header, cells := timeline.Table(rows)
	d.Table(header, cells)
	env.Machine.Write(&d, env.Command)
	d.Para("Raw per-request data (not committed): `docs/benchmarks/raw/%s-requests.csv`.", name)
	return harness.Output{Name: name, Report: d.String(), Samples: r.samples,
		SVG: timeline.Chart("Spike: provisioned target, then beyond", rows, r.marks(), false).SVG()}
}

func (r *result) writeSetup(d *report.Doc) {
	c := r.cfg
	d.Para("A real `yun server` runs `tests/testdata/functions/node-slow` (nodejs20, memorySize %d MB, cpu %g vCPU, "+
		"instanceConcurrency %d; every invocation waits %d ms) with a provision config of target %d "+
		"(PutProvisionConfig, qualifier LATEST); readiness: %s. Closed-loop clients then keep a fixed number of "+
		"signed InvokeFunction requests in flight, %v per phase. Cold starts and instances come from the %s, "+
		"sampled every 250 ms; CPU per second is read from /proc for yun, its instances, this benchmark process and "+
		"the rest of the machine (\"others\": other work on a shared machine).", c.MemoryMB, r.fnCPU, c.Concurrency, c.SleepMs, c.Target, r.ready, c.Phase, r.source)
	d.Para("Function size: %d MB and %g vCPU (FC allows 1–4 GB per vCPU). A full provisioned instance serves %d "+
		"requests at a time, %d req/s at %d ms each, and Node.js spends a fraction of a millisecond of CPU on each: "+
		"with 0.1 vCPU (FC's share for 128 MB) the instance exhausts its CFS quota within each 100 ms period and "+
		"the requests behind it wait for the next period, which is what made the P95 at full load rise, not the "+
		"scheduler. The clients sign with one pre-computed signer (the client's ACS3 signature, a reused HMAC, a "+
		"counter nonce) over keep-alive connections.",
		c.MemoryMB, r.fnCPU, c.Concurrency, c.Concurrency*1000/max(1, c.SleepMs), c.SleepMs)
	var items []string
	for _, p := range c.inFlight() {
		items = append(items, fmt.Sprintf("%s: %d in flight", p.name, p.workers))
	}
	items = append(items, "limits: "+r.limits)
	if c.Warmup > 0 {
		items = append([]string{fmt.Sprintf("warm-up (not judged): %v at the baseline's %d in flight, so that the "+
			"baseline measures warm instances and connections", c.Warmup, c.inFlight()[0].workers)}, items...)
	}
	if r.quiet != "" {
		items = append(items, "start: "+r.quiet)
	}
	d.Bullets(items...)
}

func (r *result) writeVerdict(d *report.Doc, ps []phaseStats) {
	base, full, over := ps[0], ps[1], ps[2]
	limit := time.Duration(float64(base.latency.P95) * r.cfg.Tolerance)
	d.Heading(2, "Result")
	d.Table([]string{"target", "measured", "verdict"}, [][]string{
		{fmt.Sprintf("%s: zero cold starts", full.name), report.Count(full.coldStarts), report.YesNo(full.coldStarts == 0)},
		{fmt.Sprintf("%s: P95 ≤ %.1f × baseline P95 (%s ms)", full.name, r.cfg.Tolerance, report.Ms(base.latency.P95)),
			report.Ms(full.latency.P95) + " ms", report.YesNo(full.latency.P95 <= limit)},
		{fmt.Sprintf("%s: instances stay at %d", full.name, r.cfg.Target), report.Count(full.maxInstances),
			report.YesNo(full.maxInstances == r.cfg.Target)},
		{fmt.Sprintf("%s: overflow served by on-demand instances", over.name),
			fmt.Sprintf("%s cold starts, up to %s instances", report.Count(over.coldStarts), report.Count(over.maxInstances)),
			report.YesNo(over.coldStarts > 0 && over.maxInstances > r.cfg.Target)},
		{"zero errors in every phase", errorsOf(ps), report.YesNo(errorsOf(ps) == "-")},
	})
}

func errorsOf(ps []phaseStats) string {
	all := map[string]int{}
	for _, p := range ps {
		for code, n := range p.errors {
			all[code] += n
		}
	}
	return report.Codes(all)
}

func writePhases(d *report.Doc, ps []phaseStats) {
	d.Heading(2, "Per phase")
	var rows [][]string
	for _, p := range ps {
		rows = append(rows, []string{p.name, fmt.Sprint(p.workers), fmt.Sprint(p.requests), fmt.Sprintf("%.0f", p.throughput),
			report.Ms(p.latency.P50), report.Ms(p.latency.P95), report.Ms(p.latency.P99), report.Ms(p.latency.Max),
			report.Codes(p.errors), report.Count(p.coldStarts), report.Count(p.maxInstances)})
	}
	d.Table([]string{"phase", "in flight", "requests", "served/s", "P50 ms", "P95 ms", "P99 ms", "max ms", "errors",
		"cold starts", "max instances"}, rows)
}

func (r *result) marks() []plot.Mark {
	var marks []plot.Mark
	for _, sp := range r.spans {
		marks = append(marks, plot.Mark{X: sp.from.Seconds(), Label: sp.name})
	}
	return marks
}

// unsupportedReport is the report of a run the server could not support.
func unsupportedReport(env *harness.Env, err error) string {
	var d report.Doc
	d.Heading(1, "Spike with provisioned instances: not run")
	d.Para("This scenario needs PutProvisionConfig (PUT /2023-03-30/functions/{name}/provision-config?qualifier=LATEST " +
		"with {\"target\": N}). The server built from this tree answered:")
	d.Code("", err.Error())
	d.Para("Once the API supports provision configs, the same command provisions the target, steps the load to " +
		"target × instanceConcurrency requests in flight (expecting zero cold starts and a flat P95), then beyond " +
		"(expecting the overflow on on-demand instances), and writes the measured report here.")
	env.Machine.Write(&d, env.Command)
	return d.String()
}
