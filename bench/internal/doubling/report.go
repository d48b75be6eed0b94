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
	r.writeStages(&d, r.summaries(rows))
	r.writeSeconds(&d, rows)
	env.Machine.Write(&d, env.Command)
	d.Para("Raw per-request data (not committed): `docs/benchmarks/raw/%s-requests.csv`; the server's log: "+
		"`docs/benchmarks/raw/%s-server.log`.", name, name)
	return harness.Output{Name: name, Report: d.String(), Samples: r.samples,
		SVG: timeline.Chart("Doubling load: 50 ms Node.js handler", rows, r.marks(), true).SVG()}
}

func (r *result) writeSetup(d *report.Doc) {
	c := r.cfg
	d.Para("A real `yun server` (built from `./cmd/yun`, fresh data directory, `--keep-alive %v`) runs "+
		"`tests/testdata/functions/node-slow` (nodejs20, memorySize %d MB, cpu %g vCPU, instanceConcurrency %d) with the event "+
		"`%d`, so every invocation waits %d ms. A scheduler goroutine sends signed InvokeFunction requests at exact, "+
		"evenly spaced times whatever the answers do (open loop; at most %d outstanding); latency is measured "+
		"from the scheduled send time, so generator lag counts against Yun, and the lag is reported on its own.",
		c.KeepAlive, c.MemoryMB, r.fnCPU, c.Concurrency, c.SleepMs, c.SleepMs, c.MaxInFlight)
	d.Bullets(
		fmt.Sprintf("warm-up: %v at %g req/s (not judged)", c.Warmup, c.SteadyRate),
		fmt.Sprintf("steady reference: %v at %g req/s; its P95 is the reference", c.Steady, c.SteadyRate),
		fmt.Sprintf("ramp: %g req/s doubling every %v up to %g req/s", c.StartRate, c.Step, r.stages[len(r.stages)-1].Rate),
		fmt.Sprintf("instanceConcurrency %d: at %g req/s × %d ms, %g requests are in flight, i.e. about %g instances; "+
			"with concurrency 1 that would be %g Node.js processes on this machine's cores, which measures process "+
			"boot under CPU starvation rather than scheduling", c.Concurrency, c.MaxRate, c.SleepMs,
			c.MaxRate*float64(c.SleepMs)/1000, ceilDiv(c.MaxRate*float64(c.SleepMs)/1000, c.Concurrency),
			c.MaxRate*float64(c.SleepMs)/1000),
		fmt.Sprintf("cold starts and instances: from the %s%s%s", r.source, families(r.families), sourceNote(r.source)),
		"limits: "+r.limits,
	)
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
			"CPU yun %.0f%% + instances %.0f%% + generator %.0f%% = %.0f%% of one core (the machine has %s).",
			first.At, first.Phase, report.Ms(first.Latency.P95), report.Codes(first.Errors),
			first.YunCPU, first.InstanceCPU, first.GenCPU, first.TotalCPU(), coresNote())
	}
}

func (r *result) writeStages(d *report.Doc, sums []stageSummary) {
	d.Heading(2, "Per stage")
	d.Para("CPU is the mean over the stage's seconds in %% of one core, read from /proc: the yun server process, " +
		"its instance processes, and this benchmark process (the load generator and its HTTP client, which compete " +
		"with Yun for the same cores). \"gen CPU/req\" is the generator's own cost per request sent; \"lag P99\" is how " +
		"late the generator sent requests.")
	var rows [][]string
	for _, s := range sums {
		rows = append(rows, []string{s.phase, fmt.Sprint(s.offered), fmt.Sprint(s.served), report.Codes(s.errors),
			report.Ms(s.latency.P50), report.Ms(s.latency.P95), report.Ms(s.latency.P99), report.Ms(s.latency.Max),
			report.Count(s.coldStarts), report.Count(s.maxInstances),
			fmt.Sprintf("%.0f / %.0f / %.0f", s.yunCPU, s.instCPU, s.genCPU),
			report.Us(s.genPerRequest), report.Ms(s.lagP99)})
	}
	d.Table([]string{"stage", "offered", "served", "errors", "P50 ms", "P95 ms", "P99 ms", "max ms",
		"cold starts", "max instances", "CPU % yun / inst / gen", "gen CPU/req µs", "lag P99 ms"}, rows)
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
