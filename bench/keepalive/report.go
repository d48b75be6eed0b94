package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/yun-fc/yun/bench/internal/plot"
	"github.com/yun-fc/yun/bench/internal/report"
	"github.com/yun-fc/yun/internal/scheduler/replay"
)

// result is one policy's replay of one trace, as the replay test writes it.
type result = replay.Result

type results struct {
	Sample2019 []result `json:"sample2019"`
	Sample2021 []result `json:"sample2021"`
}

func find(rs []result, policy string) (result, bool) {
	for _, r := range rs {
		if r.Policy == policy {
			return r, true
		}
	}
	return result{}, false
}

// table renders rs with wasted memory relative to fixed:10m's.
func table(d *report.Doc, rs []result) {
	base, _ := find(rs, "fixed:10m")
	var rows [][]string
	for _, r := range rs {
		rel := "n/a"
		if base.WastedMBs > 0 {
			rel = fmt.Sprintf("%.2f", r.WastedMBs/base.WastedMBs)
		}
		rows = append(rows, []string{"`" + r.Policy + "`", report.Count(r.ColdStarts), fmt.Sprintf("%.1f %%", r.AppColdP50),
			fmt.Sprintf("%.1f %%", r.AppColdP75), rel, fmt.Sprintf("%.0f", r.WastedMBs/1024/3600), report.Count(r.Prewarms),
			report.Count(r.Waited), fmt.Sprintf("%d / %d", r.Invocations, r.Sent), fmt.Sprint(r.Failed),
			r.Elapsed.Round(time.Second).String()})
	}
	d.Table([]string{"policy", "cold starts", "per-app cold % p50", "per-app cold % p75", "wasted memory (÷ fixed 10 min)",
		"wasted GB·h", "pre-warms", "calls that waited", "calls admitted / sent", "failed", "replay wall time"}, rows)
}

func render(ctx context.Context, res results) string {
	var d report.Doc
	d.Heading(1, "Keep-alive policies on the Azure Functions traces")
	verdict(&d, res.Sample2019)
	d.Para("Every call of the trace goes through Yun's real scheduler (`Scheduler.Invoke`: the same dispatch, keep-alive, " +
		"reclaim and pre-warm code that serves requests) on a fake engine whose instances start in 1 s and run each call " +
		"for its duration, under `testing/synctest`'s virtual clock (package `internal/scheduler/replay`). Each app is one " +
		"function with one instance serving up to 200 concurrent calls, with the app's memory (the paper's model). " +
		"A **cold start** is an instance started on demand (the scheduler's `yun_cold_starts_total{kind=\"on-demand\"}`); " +
		"pre-warms are counted apart. **Wasted memory** is the time instances are ready with no call running, times the " +
		"app's memory, up to the trace's end. The per-app cold-start percentage is each app's cold starts per call; the " +
		"table gives its median and 3rd quartile over apps (the paper's headline figure). *Calls that waited* counts every " +
		"call that waited for an instance to start: its own cold start, another call's, or a pre-warm still starting. " +
		"All figures but the replay's wall time are counted in virtual time, so the machine's load does not change them; " +
		"repeated runs differ by a few cold starts (the order of goroutines at the same virtual instant).")
	d.Heading(2, "500-function sample, 8 hours (Azure Functions 2019)")
	d.Para("`azure2019_dirigent_sample500`: 3,037,902 calls of 500 functions in 476 apps over 08:00–16:00; per-minute " +
		"counts, the n calls of a function in a minute spread evenly at m + i·60 s/n. Durations are each function's " +
		"average, memory each app's average allocation.")
	table(&d, res.Sample2019)
	d.Image("Cold starts against wasted memory", "keepalive.svg")
	d.Heading(2, "2021 per-invocation sample (sub-minute arrivals)")
	d.Para("`azure2021_invitro_sample`: 998 calls with their real start times and durations (about 108 minutes); the " +
		"trace has no memory figures, so every app counts as 128 MB. Too small to rank policies; it checks that the " +
		"policies behave on sub-minute arrivals, not only on minute-spread ones.")
	table(&d, res.Sample2021)
	d.Heading(2, "Policies")
	d.Bullets(
		"`fixed:<d>`: every idle instance is kept for d after its last call (FC keeps 3–5 minutes, Lambda about 10, Azure 20).",
		"`hybrid`: Shahrad et al., \"Serverless in the Wild\" (USENIX ATC 2020), §4.2, as published: per-app histogram of "+
			"idle times (end of a call to the next arrival) in 1-minute bins over 4 hours; pre-warm at the 5th percentile "+
			"less 10 %, keep until the 99th percentile plus 10 %; while the histogram is not representative (fewer than 5 "+
			"idle times, or a coefficient of variation of the bin counts below 2) the standard keep-alive of the histogram's "+
			"range (4 hours); when half the idle times are beyond the range, a prediction from the mean of the last ten "+
			"of them (the paper uses ARIMA) with its 15 % margins.",
		"`yun` (the default; `yun:<cost>` sets the cost): per app, the plan of keep-alive windows that would have cost "+
			"least over its last 64 idle times, at their own resolution, weighing each cold start at 500,000 MB·s against "+
			"the app's memory times the time it is held idle. Timer-like apps get a window of a few seconds around each "+
			"predicted call, pre-warmed two start times early (several windows for apps with several periods); apps with "+
			"irregular short gaps are kept, beyond the longest gap seen for their break-even time (cost ÷ memory, at "+
			"most 4 h: a ski rental); apps whose gaps are long and memory large are not kept at all. Gaps between "+
			"clusters of idle times that a plan leaves uncovered are charged one cold start each, against over-fitting.",
	)
	report.DetectMachine(ctx, ".").Write(&d, "flock /tmp/yun-bench.lock go run ./bench/keepalive")
	return d.String()
}

// verdict states the target's outcome in the report's first lines.
func verdict(d *report.Doc, rs []result) {
	y, ok1 := find(rs, "yun")
	h, ok2 := find(rs, "hybrid")
	f, ok3 := find(rs, "fixed:10m")
	if !ok1 || !ok2 || !ok3 {
		d.Para("Target not evaluated: a policy is missing from the run.")
		return
	}
	met := y.ColdStarts < h.ColdStarts && y.WastedMBs < f.WastedMBs
	word := map[bool]string{true: "met", false: "NOT met"}[met]
	d.Para("**Target %s** on the 500-function sample: Yun's default policy has %s cold starts against the hybrid "+
		"policy's %s (%+.0f %%), and wastes %.2f× the memory of a fixed 10-minute keep-alive (hybrid: %.2f×, with %s "+
		"cold starts against fixed 10 minutes' %s), in the same run.",
		word, report.Count(y.ColdStarts), report.Count(h.ColdStarts), 100*float64(y.ColdStarts-h.ColdStarts)/float64(h.ColdStarts),
		y.WastedMBs/f.WastedMBs, h.WastedMBs/f.WastedMBs, report.Count(h.ColdStarts), report.Count(f.ColdStarts))
}

// chart plots cold starts against wasted memory (relative to fixed 10 min):
// the fixed frontier as a line, hybrid and Yun's default as points, Yun's
// cost sweep as a line.
func chart(rs []result) []byte {
	base, _ := find(rs, "fixed:10m")
	pt := func(r result) plot.Point {
		return plot.Point{X: r.WastedMBs / base.WastedMBs, Y: float64(r.ColdStarts)}
	}
	var fixed, sweep, hybrid, yun plot.Series
	fixed.Name, sweep.Name, hybrid.Name, yun.Name = "fixed 5m…2h", "yun, cost 1e5…3e6 MB·s", "hybrid (ATC'20)", "yun (default)"
	for _, r := range rs {
		switch {
		case strings.HasPrefix(r.Policy, "fixed:"):
			fixed.Points = append(fixed.Points, pt(r))
		case r.Policy == "hybrid":
			hybrid.Points = append(hybrid.Points, pt(r))
		case r.Policy == "yun":
			yun.Points = append(yun.Points, pt(r))
			sweep.Points = append(sweep.Points, pt(r))
		case strings.HasPrefix(r.Policy, "yun:"):
			sweep.Points = append(sweep.Points, pt(r))
		}
	}
	sortByX(sweep.Points)
	sortByX(fixed.Points)
	return plot.Chart{
		Title:  "Cold starts vs wasted memory, 500-function Azure sample (8 h)",
		XLabel: "wasted memory time (fixed 10 min = 1)",
		Panels: []plot.Panel{{YLabel: "cold starts", LogY: true, Series: []plot.Series{fixed, sweep, hybrid, yun}}},
	}.SVG()
}

func sortByX(ps []plot.Point) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].X < ps[j-1].X; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}
