package warmpath

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/report"
)

// name names the report files.
const name = "warmpath"

func (r *result) output(env *harness.Env) harness.Output {
	cmps := r.comparisons()
	var d report.Doc
	d.Heading(1, "Warm path: Yun's invoke path against calling the same instance directly")
	r.writeSetup(&d)
	writeVerdict(&d, cmps)
	d.Image("latency percentiles of both paths", name+".svg")
	writeComparisons(&d, cmps)
	r.writeClientCost(&d, cmps)
	r.writeProfile(&d)
	env.Machine.Write(&d, env.Command)
	d.Para("Raw per-request data (not committed): `docs/benchmarks/raw/%s-requests.csv` (phase = path/clients/round).", name)
	return harness.Output{Name: name, Report: d.String(), Samples: r.allSamples(), SVG: chart(cmps).SVG()}
}

func (r *result) writeSetup(d *report.Doc) {
	c := r.cfg
	d.Para("A real `yun server` runs `bench/functions/echo-port`, a Node.js custom runtime (`node server.js`, "+
		"instanceConcurrency %d, memorySize %d MB, cpu %g vCPU so that the instance's CPU quota does not throttle "+
		"it) that answers POST /invoke with its own port. Both paths send the %d-byte event `%s` "+
		"from closed-loop clients (each sends its next request when the previous one answered):",
		c.maxClients(), c.MemoryMB, c.CPU, len(c.Payload), c.Payload)
	d.Bullets(
		"**yun**: InvokeFunction through Yun's API with the Go client (`internal/client`), every request signed "+
			"(ACS3-HMAC-SHA256, fresh nonce: a signature cannot be reused), over keep-alive connections",
		"**direct**: POST /invoke to "+r.mode+" (port "+r.directPort+"), with the x-fc-* headers the process engine sends, "+
			"over keep-alive connections",
		directNote(r.mode),
		"limits: "+r.limits,
		"server flags: "+serverFlags(c.ServerArgs),
		fmt.Sprintf("per client count, %d rounds of %v per path, alternating (direct first in even rounds, yun first "+
			"in odd ones), after %v of unrecorded warm-up on each path; throughput is the median of the rounds, "+
			"latency percentiles pool the rounds", c.Rounds, c.Round, c.Warmup),
	)
}

func writeVerdict(d *report.Doc, cmps []comparison) {
	d.Heading(2, "Result")
	small, large := cmps[0], cmps[0]
	for _, c := range cmps {
		if c.clients < small.clients {
			small = c
		}
		if c.clients > large.clients {
			large = c
		}
	}
	d.Table([]string{"target", "measured", "verdict"}, [][]string{
		{fmt.Sprintf("throughput ≥ %.0f%% of direct at %d clients", 100*targetRatio, large.clients),
			fmt.Sprintf("%.0f%% (%.0f vs %.0f req/s; median of per-round ratios %.0f%%)",
				100*large.ratio, large.yun.median, large.direct.median, 100*large.roundRatio),
			report.YesNo(large.ratio >= targetRatio)},
		{fmt.Sprintf("added P50 ≤ %s µs at %d client(s)", report.Us(targetAddedP50), small.clients),
			report.Us(small.addedP50) + " µs", report.YesNo(small.addedP50 <= targetAddedP50)},
	})
}

func writeComparisons(d *report.Doc, cmps []comparison) {
	d.Heading(2, "Both paths")
	d.Para("CPU per request is read from /proc over the rounds: the yun server process, the instance process(es), " +
		"and this benchmark process (the clients).")
	var rows [][]string
	for _, c := range cmps {
		for _, p := range []struct {
			name string
			s    pathStats
		}{{pathDirect, c.direct}, {pathYun, c.yun}} {
			rows = append(rows, []string{fmt.Sprint(c.clients), p.name, fmt.Sprint(p.s.requests),
				fmt.Sprintf("%.0f (%s)", p.s.median, rounds(p.s.throughputs)),
				report.Us(p.s.latency.P50), report.Us(p.s.latency.P95), report.Us(p.s.latency.P99), report.Codes(p.s.errors),
				fmt.Sprintf("%s / %s / %s", report.Us(p.s.cpuPerReq.yun), report.Us(p.s.cpuPerReq.instance), report.Us(p.s.cpuPerReq.gen))})
		}
	}
	d.Table([]string{"clients", "path", "requests", "req/s median (rounds)", "P50 µs", "P95 µs", "P99 µs", "errors",
		"CPU µs/req yun / instance / clients"}, rows)
	rows = nil
	for _, c := range cmps {
		rows = append(rows, []string{fmt.Sprint(c.clients), report.Us(c.addedP50), report.Us(c.addedP99),
			fmt.Sprintf("%.0f%%", 100*c.ratio), fmt.Sprintf("%.0f%%", 100*c.roundRatio)})
	}
	d.Heading(3, "What Yun adds")
	d.Table([]string{"clients", "added P50 µs", "added P99 µs", "throughput yun/direct (medians)", "median of per-round ratios"}, rows)
}

func rounds(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(s, ", ")
}

func (r *result) writeClientCost(d *report.Doc, cmps []comparison) {
	d.Heading(2, "Client cost and instance identity")
	d.Para("Signing one InvokeFunction request (ACS3-HMAC-SHA256, measured alone on one goroutine): **%s µs**. "+
		"It is client cost, included in the yun latencies above and in the clients' CPU per request.",
		fmt.Sprintf("%.1f", float64(r.signCost.Nanoseconds())/1000))
	var answers []string
	for _, c := range cmps {
		for _, port := range slices.Sorted(maps.Keys(c.yun.answers)) {
			answers = append(answers, fmt.Sprintf("%d clients: port %s answered %d", c.clients, port, c.yun.answers[port]))
		}
	}
	d.Para("Instances that answered the yun path (one port = one instance; direct went to port %s):", r.directPort)
	d.Bullets(answers...)
}

func (r *result) writeProfile(d *report.Doc) {
	if r.profile == nil {
		return
	}
	p := r.profile
	d.Heading(2, "Where the server side spends its CPU")
	d.Para("A second, in-process node (`internal/daemon` started inside the benchmark, same function, %d clients, "+
		"%v) under `runtime/pprof`; the clients' goroutines carry the label %s=client and are left out with "+
		"`-tagignore`, so the lists below are Yun's server side (plus the runtime's unlabelled background work such as "+
		"GC). Throughput in-process: %.0f req/s. Profile: `docs/benchmarks/raw/warmpath-cpu.pprof` (not committed); "+
		"`go tool pprof -top -tagignore=%s=client docs/benchmarks/raw/warmpath-cpu.pprof`.",
		r.cfg.maxClients(), r.cfg.Profile, clientLabel, p.throughput, clientLabel)
	d.Heading(3, "Top 20 by own time (flat)")
	d.Code("", p.flat)
	d.Heading(3, "Top 20 by cumulative time")
	d.Code("", p.cum)
}

// directNote says what the direct path's kind means for the comparison.
func directNote(mode string) string {
	if mode == modeByHand {
		return "the direct server runs without Yun's jail (namespaces, seccomp, cgroups), so the yun figures also " +
			"carry the jail's own cost"
	}
	return "both paths reach the same jailed process, so the difference is Yun's API, scheduler and engine path"
}

// serverFlags lists the extra `yun server` flags of a run.
func serverFlags(args []string) string {
	if len(args) == 0 {
		return "the defaults (e.g. `--busy-poll 100µs`)"
	}
	return "`" + strings.Join(args, " ") + "`"
}
