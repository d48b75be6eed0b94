package doubling

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/plot"
	"github.com/yun-fc/yun/bench/internal/probe"
	"github.com/yun-fc/yun/bench/internal/report"
	"github.com/yun-fc/yun/bench/internal/timeline"
)

// name names the report files.
const name = "doubling"

func (r *result) output(env *harness.Env) harness.Output {
	rows := r.rows()
	v := r.verdict(rows)
	var d report.Doc
	d.Heading(1, "Elasticity: open-loop load doubling every "+r.cfg.Step.String())
	r.writeSetup(&d)
	writeVerdict(&d, v, r.cfg)
	d.Image("latency, rates, instances and CPU per second", name+".svg")
	r.writeStages(&d, r.summaries(rows), rows)
	r.writeSeconds(&d, rows)
	env.Machine.Write(&d, env.Command)
	d.Para("Raw per-request data (not committed): `docs/benchmarks/raw/%s-requests.csv`; the server's log: "+
		"`docs/benchmarks/raw/%s-server.log`.", name, name)
	return harness.Output{Name: name, Report: d.String(), Samples: r.samples,
		SVG: timeline.Chart("Doubling load: 50 ms Node.js handler", rows, r.marks(), true).SVG()}
}

func (r *result) writeSetup(d *report.Doc) {
	c := r.cfg
	flags := fmt.Sprintf("--keep-alive %v", c.KeepAlive)
	if len(c.ServerArgs) > 0 {
		flags += " " + strings.Join(c.ServerArgs, " ")
	}
	d.Para("A real `yun server` (built from `./cmd/yun`, fresh data directory, `%s`) runs "+
		"`tests/testdata/functions/node-slow` (nodejs20, memorySize %d MB, cpu %g vCPU, instanceConcurrency %d) with the event "+
		"`%d`, so every invocation waits %d ms. A scheduler goroutine sends signed InvokeFunction requests at exact, "+
		"evenly spaced times whatever the answers do (open loop; at most %d outstanding); latency is measured "+
		"from the scheduled send time, so generator lag counts against Yun, and the lag is reported on its own.",
		flags, c.MemoryMB, r.fnCPU, c.Concurrency, c.SleepMs, c.SleepMs, c.MaxInFlight)
	d.Bullets(
		fmt.Sprintf("warm-up: %v at %g req/s (not judged)", c.Warmup, c.SteadyRate),
		fmt.Sprintf("steady reference: %v at %g req/s; its P95 is the reference", c.Steady, c.SteadyRate),
		fmt.Sprintf("ramp: %g req/s doubling every %v up to %g req/s", c.StartRate, c.Step, r.stages[len(r.stages)-1].Rate),
		fmt.Sprintf("instanceConcurrency %d: at %g req/s × %d ms, %g requests are in flight, i.e. at least %g instances "+
			"(more while answers are slow, or with `--target-utilization` below 1); "+
			"with concurrency 1 that would be %g Node.js processes on this machine's cores, which measures process "+
			"boot under CPU starvation rather than scheduling", c.Concurrency, c.MaxRate, c.SleepMs,
			c.MaxRate*float64(c.SleepMs)/1000, ceilDiv(c.MaxRate*float64(c.SleepMs)/1000, c.Concurrency),
			c.MaxRate*float64(c.SleepMs)/1000),
		fmt.Sprintf("function size: %d MB and %g vCPU (FC allows 1–4 GB per vCPU) because at instanceConcurrency %d "+
			"one instance serves up to %d × 1000 / %d = %d req/s, and Node.js spends a fraction of a millisecond of CPU "+
			"per request: with 0.1 vCPU (FC's share for 128 MB) the instance exhausts its CFS quota within each "+
			"100 ms period and every request behind it waits for the next one. %g vCPU leaves the instance below "+
			"half its quota at full concurrency, as a production function sized for this load would be",
			c.MemoryMB, r.fnCPU, c.Concurrency, c.Concurrency, c.SleepMs, c.Concurrency*1000/max(1, c.SleepMs), r.fnCPU),
		fmt.Sprintf("generator: one pre-computed request signer (the same ACS3 signature as the client's, a reused "+
			"HMAC, a counter nonce, the date formatted once a second), keep-alive connections, GOMAXPROCS %d "+
			"during the load; its CPU per request is in the table below", c.GenProcs),
		fmt.Sprintf("cold starts and instances: from the %s%s%s", r.source, families(r.families), sourceNote(r.source)),
		"limits: "+r.limits,
	)
	if r.quiet != "" {
		d.Bullets("start: " + r.quiet)
	}
}

// sourceNote says what the figures mean for the source they came from.
func sourceNote(source string) string {
	if source != probe.SourceMetrics {
		return ""
	}
	return "; a cold start is an instance that became ready, and instances count every state but stopped and " +
		"failed, with those still starting shown apart"
}

func families(names []string) string {
	if len(names) == 0 {
		return " (children of the yun server process: one per instance)"
	}
	return " (" + strings.Join(names, ", ") + ")"
}

func ceilDiv(x float64, n int) float64 {
	k := x / float64(n)
	if k != float64(int(k)) {
		return float64(int(k) + 1)
	}
	return k
}

func writeVerdict(d *report.Doc, v verdict, c Config) {
	d.Heading(2, "Result")
	total := 0
	for _, n := range v.errors {
		total += n
	}
	d.Table([]string{"target", "measured", "verdict"}, [][]string{
		{"zero errors (steady + ramp)", fmt.Sprintf("%d (%s)", total, report.Codes(v.errors)), report.YesNo(total == 0)},
		{fmt.Sprintf("every second's P95 ≤ %.1f × steady P95", c.Tolerance),
			fmt.Sprintf("steady P95 %s ms, limit %s ms; %d seconds over it or with errors",
				report.Ms(v.steadyP95), report.Ms(v.limit), len(v.over)), report.YesNo(v.pass())},
		{"highest served rate in one second", fmt.Sprintf("%d req/s", v.maxServed), ""},
	})
	if len(v.over) > 0 {
		first := v.over[0]
		d.Para("The first second that breaks the target is second %d (%s): P95 %s ms, errors %s, "+
			"CPU yun %.0f%% + instances %.0f%% + generator %.0f%% = %.0f%% of one core, other processes %s%% "+
			"(the machine has %s).",
			first.At, first.Phase, report.Ms(first.Latency.P95), report.Codes(first.Errors),
			first.YunCPU, first.InstanceCPU, first.GenCPU, first.TotalCPU(), otherPct(first.OtherCPU), coresNote())
	}
}

func (r *result) writeStages(d *report.Doc, sums []stageSummary, rows []timeline.Row) {
	d.Heading(2, "Per stage")
	probe, n := 0.0, 0
	for _, row := range rows {
		if row.CPUKnown {
			probe, n = probe+row.ProbeCPU, n+1
		}
	}
	if n > 0 {
		probe /= float64(n)
	}
	d.Para("CPU is the mean over the stage's seconds in %% of one core, read from /proc: the yun server process, "+
		"its instance processes, this benchmark process (the load generator and its HTTP client, which compete "+
		"with Yun for the same cores), and every other process of the machine (its busy time from /proc/stat minus "+
		"the three: other work on a shared machine shows here). \"gen CPU/req\" is the generator's own cost per "+
		"request sent (this process's CPU without the probe's samples of /proc and /metrics, measured on the sampling thread: %.1f%% of one core on "+
		"average, counted in none of the columns); \"lag P99\" is how late the generator sent requests.", probe)
	var cells [][]string
	for _, s := range sums {
		cells = append(cells, []string{s.phase, fmt.Sprint(s.offered), fmt.Sprint(s.served), report.Codes(s.errors),
			report.Ms(s.latency.P50), report.Ms(s.latency.P95), report.Ms(s.latency.P99), report.Ms(s.latency.Max),
			report.Count(s.coldStarts), report.Count(s.maxInstances),
			fmt.Sprintf("%.0f / %.0f / %.0f / %s", s.yunCPU, s.instCPU, s.genCPU, otherPct(s.otherCPU)),
			report.Us(s.genPerRequest), report.Ms(s.lagP99)})
	}
	d.Table([]string{"stage", "offered", "served", "errors", "P50 ms", "P95 ms", "P99 ms", "max ms",
		"cold starts", "max instances", "CPU % yun / inst / gen / others", "gen CPU/req µs", "lag P99 ms"}, cells)
}

func (r *result) writeSeconds(d *report.Doc, rows []timeline.Row) {
	d.Heading(2, "Per second")
	d.Para("Latency percentiles cover the successful requests scheduled in that second; \"served\" counts " +
		"successful answers that ended in it.")
	header, cells := timeline.Table(rows)
	d.Table(header, cells)
}

func (r *result) marks() []plot.Mark {
	var marks []plot.Mark
	var at float64
	for _, st := range r.stages {
		marks = append(marks, plot.Mark{X: at, Label: st.Phase})
		at += st.Duration.Seconds()
	}
	return marks
}

func coresNote() string {
	return fmt.Sprintf("%d cores, i.e. %d%%", runtime.NumCPU(), 100*runtime.NumCPU())
}

// otherPct prints the other processes' CPU, "?" when unknown.
func otherPct(v float64) string {
	if v < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f", v)
}
