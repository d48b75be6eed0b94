package main

import (
	"fmt"

	"github.com/yun-fc/yun/bench/internal/report"
	"github.com/yun-fc/yun/bench/internal/stats"
	"github.com/yun-fc/yun/internal/async"
)

// reading writes what the figures say, computed from them, so that a rerun
// never keeps a stale interpretation.
func reading(d *report.Doc, r *result) {
	d.Heading(2, "Reading")
	base, sub, drain := probeSummary(r, "baseline"), probeSummary(r, "submitting"), probeSummary(r, "draining")
	probeErrs := 0
	for _, n := range stats.Errors(r.probes, "") {
		probeErrs += n
	}
	d.Bullets(
		fmt.Sprintf("Sync callers are %s: %d probe errors in the whole run; while the backlog drained the probe's P50 "+
			"was %s × the baseline and its P99 %s × (%s vs %s ms); during the submission burst P99 was %s × the baseline.",
			starved(probeErrs, drain, base), probeErrs, ratio(drain.P50, base.P50), ratio(drain.P99, base.P99),
			report.Ms(drain.P99), report.Ms(base.P99), ratio(sub.P99, base.P99)),
		fmt.Sprintf("Acceptance outruns execution by %s ×: %.0f accepted/s against %.0f ended/s end to end, so a burst "+
			"becomes a queue in JetStream, and the accepted→ended P50 of %.1f s is mostly time in that queue.",
			fmt.Sprintf("%.1f", r.accept.Rate/max(r.drain.Rate, 1e-9)), r.accept.Rate, r.drain.Rate, r.drain.EndToEnd.P50.Seconds()),
		fmt.Sprintf("Where the time goes: the drain runs at most %d tasks of a function at once (the async service's "+
			"MaxConcurrencyPerFunction default, here equal to instanceConcurrency %d), and each task costs several "+
			"JetStream writes (record state changes, ack) on top of the invocation; the CPU table shows how busy yun "+
			"(which hosts the embedded NATS) was against the function instances.", async.DefaultMaxConcurrencyPerFunction, r.cfg.Concurrency),
	)
}

func starved(errs int, drain, base stats.Summary) string {
	if errs > 0 || (base.P99 > 0 && drain.P99 > 10*base.P99) {
		return "**hurt**"
	}
	return "**not starved**"
}

func ratio(a, b interface{ Seconds() float64 }) string {
	if b.Seconds() <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", a.Seconds()/b.Seconds())
}
