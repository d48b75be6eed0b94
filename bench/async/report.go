package main

import (
	"fmt"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/report"
	"github.com/yun-fc/yun/bench/internal/stats"
)

// reportName names the files the run writes.
const reportName = "async"

// write writes async.md, async.svg and the raw samples.
func write(env *harness.Env, r *result) error {
	samples := append(append(r.probes[:0:0], r.probes...), r.submits...)
	path, err := env.Write(harness.Output{Name: reportName, Report: render(env.Command, r), SVG: chart(r).SVG(), Samples: samples})
	if err == nil {
		env.Logf("wrote %s", path)
	}
	return err
}

func render(command string, r *result) string {
	var d report.Doc
	d.Heading(1, "Asynchronous invocation: acceptance, drain, and sync latency under a backlog")
	d.Para("%d async invocations of `%s` (examples/hello-node, nodejs20, instanceConcurrency %d, %d MB) from %d "+
		"closed-loop clients, while one client invokes `%s` (the same code, instanceConcurrency 1) synchronously every %v, "+
		"one request at a time. Yun ran with %s.", r.cfg.Tasks, loadFunction, r.cfg.Concurrency, r.cfg.MemoryMB,
		r.cfg.Clients, probeFunction, r.cfg.ProbeEvery, r.limits)
	headline(&d, r)
	r.machine.Write(&d, command)
	acceptance(&d, r)
	drainSection(&d, r)
	probeSection(&d, r)
	cpuSection(&d, r)
	d.Image("accepted and completed per second, backlog, sync probe latency", reportName+".svg")
	reading(&d, r)
	method(&d, r)
	return d.String()
}

func headline(d *report.Doc, r *result) {
	d.Heading(2, "Headline")
	base, during := probeSummary(r, "baseline"), probeSummary(r, "draining")
	d.Bullets(
		fmt.Sprintf("**accepted**: %d of %d in %v, **%.0f invocations/s**; accept latency P50 %s ms, P99 %s ms",
			r.accept.Accepted, r.accept.Sent, r.accept.Duration.Round(time.Millisecond), r.accept.Rate,
			report.Ms(r.accept.Latency.P50), report.Ms(r.accept.Latency.P99)),
		fmt.Sprintf("**drained**: %d Succeeded, the last %v after the first submission: **%.0f tasks/s end to end**%s",
			r.drain.Succeeded, r.drain.Duration.Round(time.Millisecond), r.drain.Rate, timeoutNote(r)),
		fmt.Sprintf("**sync probe P50 / P99**: %s / %s ms before the backlog, %s / %s ms while it drained",
			report.Ms(base.P50), report.Ms(base.P99), report.Ms(during.P50), report.Ms(during.P99)),
	)
}

func timeoutNote(r *result) string {
	if r.timeout {
		return fmt.Sprintf(" (**not every task ended within -drain-limit %v**)", r.cfg.DrainLimit)
	}
	return ""
}

func probeSummary(r *result, phase string) stats.Summary {
	return stats.Summarize(stats.Latencies(r.probes, phase))
}

func acceptance(d *report.Doc, r *result) {
	d.Heading(2, "Acceptance (InvokeFunction with x-fc-invocation-type: Async → 202)")
	a := r.accept
	d.Table([]string{"sent", "accepted", "errors by code", "wall time", "accepted/s", "P50 ms", "P95 ms", "P99 ms", "max ms"},
		[][]string{{fmt.Sprint(a.Sent), fmt.Sprint(a.Accepted), report.Codes(a.Errors), a.Duration.Round(time.Millisecond).String(),
			fmt.Sprintf("%.0f", a.Rate), report.Ms(a.Latency.P50), report.Ms(a.Latency.P95), report.Ms(a.Latency.P99),
			report.Ms(a.Latency.Max)}})
}

func drainSection(d *report.Doc, r *result) {
	d.Heading(2, "Drain (first submission → every task ended)")
	dr := r.drain
	d.Table([]string{"tasks by status", "drain time", "after submission ended", "Succeeded/s end to end",
		"accepted→ended P50 s", "P99 s", "max s", "progress polls"},
		[][]string{{report.Codes(dr.ByStatus), dr.Duration.Round(time.Millisecond).String(),
			max(dr.LastEnd-r.bounds.SubmitEnd, 0).Round(time.Millisecond).String(), fmt.Sprintf("%.0f", dr.Rate),
			secs(dr.EndToEnd.P50), secs(dr.EndToEnd.P99), secs(dr.EndToEnd.Max), fmt.Sprint(r.polls)}})
	d.Para("Times come from the tasks' own records (`startedTime` is when Yun accepted the task, `endTime` when it " +
		"ended; millisecond resolution, the server's clock on this machine).")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func probeSection(d *report.Doc, r *result) {
	d.Heading(2, "Sync latency of the probe function, by phase")
	var rows [][]string
	for _, ph := range phases {
		s := probeSummary(r, ph)
		rows = append(rows, []string{ph, phaseSpan(r, ph), fmt.Sprint(s.N), report.Ms(s.P50), report.Ms(s.P95),
			report.Ms(s.P99), report.Ms(s.Max), report.Codes(stats.Errors(r.probes, ph))})
	}
	d.Table([]string{"phase", "span (s from start)", "probes", "P50 ms", "P95 ms", "P99 ms", "max ms", "errors by code"}, rows)
}

func phaseSpan(r *result, phase string) string {
	b := r.bounds
	span := map[string][2]time.Duration{
		"baseline": {0, b.SubmitStart}, "submitting": {b.SubmitStart, b.SubmitEnd},
		"draining": {b.SubmitEnd, b.DrainEnd}, "after": {b.AfterStart, r.end},
	}[phase]
	return fmt.Sprintf("%.1f–%.1f", span[0].Seconds(), span[1].Seconds())
}

func cpuSection(d *report.Doc, r *result) {
	d.Heading(2, fmt.Sprintf("CPU by phase (share of one core; the machine has %d)", r.machine.Cores))
	var rows [][]string
	for _, s := range r.cpu {
		rows = append(rows, []string{s.Name, s.Wall.Round(time.Millisecond).String(), pct(s.Yun, s.Wall),
			pct(s.Instances, s.Wall), pct(s.Bench, s.Wall)})
	}
	d.Table([]string{"span", "wall", "yun server (API + scheduler + embedded NATS)", "function instances", "this benchmark (clients)"}, rows)
	d.Para("From /proc/PID/stat at each span's end. The draining span runs from the end of submission until the " +
		"poller has read every task record once more, so it includes that read.")
}

func pct(cpu, wall time.Duration) string {
	if wall <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f %%", 100*cpu.Seconds()/wall.Seconds())
}

func method(d *report.Doc, r *result) {
	d.Heading(2, "How it measures")
	d.Bullets(
		"Both functions are created and invoked once synchronously before the clock starts, so no phase pays their cold start.",
		fmt.Sprintf("Acceptance: %d goroutines each send their next async invocation as soon as the previous is answered "+
			"(closed loop); a 202 with `x-fc-async-task-id` counts as accepted. Latency is request start → answer.", r.cfg.Clients),
		fmt.Sprintf("Drain: every %v the poller reads the %d most recently accepted tasks with GetAsyncTask; once all "+
			"have ended it reads every task with ListAsyncTasks (pages of 100) and stops when all accepted tasks have "+
			"ended. The figures then come from the tasks' own endTime, not from the poll's timing.", r.cfg.PollEvery, r.cfg.PollSample),
		fmt.Sprintf("Sync probe: one request every %v, never two in flight (a tick during a slow answer is dropped). A probe "+
			"belongs to the phase in which it started; probes between the last task's end and the start of the after phase "+
			"(the poller's final reads) are left out: %.1f s in this run, as ListAsyncTasks pages through the whole "+
			"backlog %d at a time.", r.cfg.ProbeEvery, (r.bounds.AfterStart-r.bounds.DrainEnd).Seconds(), pageLimit),
		"Raw samples (both kinds, one row each) are in docs/benchmarks/raw/async-requests.csv, the server's log in raw/async-server.log (not committed).",
	)
}
