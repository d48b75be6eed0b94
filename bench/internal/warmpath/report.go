package warmpath

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

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
	d.Image("latency percentiles of every path", name+".svg")
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
		"it) that answers POST /invoke with its own port. Every path sends the %d-byte event `%s` "+
		"from closed-loop clients (each sends its next request when the previous one answered) over keep-alive "+
		"connections:", c.maxClients(), c.MemoryMB, c.CPU, len(c.Payload), c.Payload)
	bullets := []string{
		"**yun**: InvokeFunction through Yun's API, every request signed (ACS3-HMAC-SHA256, fresh nonce: a " +
			"signature cannot be reused) by the load generator's signer (`workload.Invoker`, as in the other " +
			"benchmarks)",
		"**direct**: POST /invoke to " + r.mode + " (port " + r.directPort + "), with the x-fc-* headers the " +
			"process engine sends",
	}
	for _, k := range c.Refs {
		bullets = append(bullets, "**"+k+"**: "+refWhat(k)+"; a process of its own on the host's loopback, "+
			"sent the direct path's request and reaching the instance as the direct path does")
	}
	bullets = append(bullets,
		directNote(r.mode),
		"limits: "+r.limits,
		"server flags: "+serverFlags(c.ServerArgs),
		fmt.Sprintf("per client count, %d rounds of %v per path, each round starting one path further along "+
			"(direct first in round 0, yun first in round 1, ...), after %v of unrecorded warm-up on each path; "+
			"throughput is the median of the rounds, latency percentiles pool the rounds", c.Rounds, c.Round, c.Warmup),
	)
	d.Bullets(bullets...)
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
				100*large.yun.ratio, large.yun.stats.median, large.direct.median, 100*large.yun.roundRatio),
			report.YesNo(large.yun.ratio >= targetRatio)},
		{fmt.Sprintf("added P50 ≤ %s µs at %d client(s)", report.Us(targetAddedP50), small.clients),
			report.Us(small.yun.addedP50) + " µs", report.YesNo(small.yun.addedP50 <= targetAddedP50)},
	})
	if len(large.refs) == 0 {
		return
	}
	var scale []string
	for _, ref := range large.refs {
		scale = append(scale, fmt.Sprintf("%s %.0f%% of direct (Yun: %.0f%% of its throughput)",
			ref.path, 100*ref.ratio, 100*large.yun.stats.median/ref.stats.median))
	}
	var added []string
	for _, ref := range small.refs {
		added = append(added, fmt.Sprintf("%s +%s µs", ref.path, report.Us(ref.addedP50)))
	}
	cpu := []string{middleCPU(pathYun, large.yun.stats)}
	for _, ref := range large.refs {
		cpu = append(cpu, middleCPU(ref.path, ref.stats))
	}
	d.Para("For scale, the reference proxies in the same run (see below) at %d clients: %s. Added P50 at %d "+
		"client(s): %s; Yun +%s µs. CPU per request of the middle at %d clients, in all (of it in the kernel): %s.",
		large.clients, strings.Join(scale, "; "), small.clients, strings.Join(added, ", "),
		report.Us(small.yun.addedP50), large.clients, strings.Join(cpu, ", "))
}

func middleCPU(path string, s pathStats) string {
	return fmt.Sprintf("%s %s µs (%s)", path, report.Us(s.cpuPerReq.middle), report.Us(s.cpuPerReq.middleSys))
}

func writeComparisons(d *report.Doc, cmps []comparison) {
	d.Heading(2, "All paths")
	d.Para("CPU per request is read from /proc over the rounds: the process in the middle (the yun server or the " +
		"reference proxy; none on the direct path) and of that its system time (in the kernel: system calls, and " +
		"the loopback TCP work they do for the receiving side), the instance process(es), and this benchmark " +
		"process (the clients).")
	var rows [][]string
	for _, c := range cmps {
		row := func(path string, s pathStats) {
			rows = append(rows, []string{fmt.Sprint(c.clients), path, fmt.Sprint(s.requests),
				fmt.Sprintf("%.0f (%s)", s.median, rounds(s.throughputs)),
				report.Us(s.latency.P50), report.Us(s.latency.P95), report.Us(s.latency.P99), report.Codes(s.errors),
				fmt.Sprintf("%s (%s) / %s / %s", report.Us(s.cpuPerReq.middle), report.Us(s.cpuPerReq.middleSys),
					report.Us(s.cpuPerReq.instance), report.Us(s.cpuPerReq.gen))})
		}
		row(pathDirect, c.direct)
		for _, v := range c.all() {
			row(v.path, v.stats)
		}
	}
	d.Table([]string{"clients", "path", "requests", "req/s median (rounds)", "P50 µs", "P95 µs", "P99 µs", "errors",
		"CPU µs/req middle (system) / instance / clients"}, rows)
	rows = nil
	for _, c := range cmps {
		for _, v := range c.all() {
			yunVs := "-"
			if v.path != pathYun && v.stats.median > 0 {
				yunVs = fmt.Sprintf("%.0f%%", 100*c.yun.stats.median/v.stats.median)
			}
			rows = append(rows, []string{fmt.Sprint(c.clients), v.path, report.Us(v.addedP50), report.Us(v.addedP99),
				fmt.Sprintf("%.0f%%", 100*v.ratio), fmt.Sprintf("%.0f%%", 100*v.roundRatio), yunVs})
		}
	}
	d.Heading(3, "What each middle adds")
	d.Table([]string{"clients", "path", "added P50 µs", "added P99 µs", "throughput / direct (medians)",
		"median of per-round ratios", "yun's throughput / this path's"}, rows)
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
	d.Para("Signing one InvokeFunction request (ACS3-HMAC-SHA256, measured alone on one goroutine): **%s µs** "+
		"with the load generator's signer, %s µs with the Go client's `acs3.Sign` (as an SDK signs, building the "+
		"canonical request from the request's headers). It is client cost, included in the yun latencies above "+
		"and in the clients' CPU per request.", microseconds(r.signCost.generator), microseconds(r.signCost.client))
	var answers []string
	for _, c := range cmps {
		for _, port := range slices.Sorted(maps.Keys(c.yun.stats.answers)) {
			answers = append(answers, fmt.Sprintf("%d clients: port %s answered %d", c.clients, port, c.yun.stats.answers[port]))
		}
	}
	d.Para("Instances that answered the yun path (one port = one instance; direct went to port %s):", r.directPort)
	d.Bullets(answers...)
}

// microseconds formats d in µs with one decimal.
func microseconds(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Nanoseconds())/1000) }

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
