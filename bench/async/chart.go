package main

import (
	"time"

	"github.com/yun-fc/yun/bench/internal/plot"
	"github.com/yun-fc/yun/bench/internal/stats"
)

// chart draws, per second of the run: accepted and completed invocations,
// the backlog, and the sync probe's median and worst latency.
func chart(r *result) plot.Chart {
	n := int(r.end/time.Second) + 1
	var accepted []time.Duration
	for _, s := range r.submits {
		if s.OK() {
			accepted = append(accepted, s.End)
		}
	}
	acc, done := perSecond(accepted, n), perSecond(r.drain.Completion, n)
	var accS, doneS, backlog, p50, pmax []plot.Point
	queued := 0
	for i, sec := range stats.BySecond(r.probes, 0, n) {
		x := float64(i)
		queued += acc[i] - done[i]
		accS, doneS = append(accS, plot.Point{X: x, Y: float64(acc[i])}), append(doneS, plot.Point{X: x, Y: float64(done[i])})
		backlog = append(backlog, plot.Point{X: x, Y: float64(queued)})
		if sec.Latency.N > 0 {
			p50 = append(p50, plot.Point{X: x, Y: ms(sec.Latency.P50)})
			pmax = append(pmax, plot.Point{X: x, Y: ms(sec.Latency.Max)})
		}
	}
	return plot.Chart{
		Title: "Async backlog and sync probe latency", XLabel: "seconds since the run started",
		Panels: []plot.Panel{
			{YLabel: "invocations/s", Series: []plot.Series{{Name: "accepted", Points: accS}, {Name: "completed", Points: doneS}}},
			{YLabel: "backlog (tasks)", Series: []plot.Series{{Name: "accepted − ended", Points: backlog}}},
			{YLabel: "sync probe ms", LogY: true, Series: []plot.Series{{Name: "P50", Points: p50}, {Name: "max", Points: pmax}}},
		},
		Marks: marks(r.bounds),
	}
}

func marks(b bounds) []plot.Mark {
	return []plot.Mark{{X: b.SubmitStart.Seconds(), Label: "submit"}, {X: b.SubmitEnd.Seconds(), Label: "submitted"},
		{X: b.DrainEnd.Seconds(), Label: "drained"}}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
