package main

import (
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/stats"
	"github.com/yun-fc/yun/internal/fc"
)

// Phases of the sync probe, in order.
var phases = []string{"baseline", "submitting", "draining", "after"}

// bounds are the offsets that separate the probe's phases. A probe sample
// belongs to the phase in which it started; samples between DrainEnd and
// AfterStart (the poller's final read of every task) belong to none.
type bounds struct {
	SubmitStart, SubmitEnd, DrainEnd, AfterStart time.Duration
}

// phaseOf names the phase of a probe started at t, "" for none.
func (b bounds) phaseOf(t time.Duration) string {
	switch {
	case t < b.SubmitStart:
		return "baseline"
	case t < b.SubmitEnd:
		return "submitting"
	case t < b.DrainEnd:
		return "draining"
	case t >= b.AfterStart:
		return "after"
	}
	return ""
}

// label sets each probe sample's phase and drops those of no phase.
func label(samples []load.Sample, b bounds) []load.Sample {
	var out []load.Sample
	for _, s := range samples {
		if s.Phase = b.phaseOf(s.Start); s.Phase != "" {
			out = append(out, s)
		}
	}
	return out
}

// drainFigures are the end-to-end figures of the backlog.
type drainFigures struct {
	ByStatus   map[string]int
	Succeeded  int
	LastEnd    time.Duration // offset of the last terminal task's endTime; 0 if none ended
	Duration   time.Duration // first submission → LastEnd
	Rate       float64       // Succeeded / Duration, tasks/s
	EndToEnd   stats.Summary // endTime − startedTime (accepted → ended) of the Succeeded tasks
	Completion []time.Duration
}

// drainOf computes the drain's figures from every task record; origin is
// the wall time of offset 0.
func drainOf(tasks []*fc.AsyncTask, origin time.Time, submitStart time.Duration) drainFigures {
	d := drainFigures{ByStatus: map[string]int{}}
	var e2e []time.Duration
	for _, t := range tasks {
		d.ByStatus[t.Status]++
		if !terminal(t.Status) || t.EndTime == 0 {
			continue
		}
		end := time.UnixMilli(t.EndTime).Sub(origin)
		d.LastEnd = max(d.LastEnd, end)
		if t.Status == fc.AsyncSucceeded {
			d.Succeeded++
			d.Completion = append(d.Completion, end)
			e2e = append(e2e, time.Duration(t.EndTime-t.StartedTime)*time.Millisecond)
		}
	}
	d.EndToEnd = stats.Summarize(e2e)
	if d.LastEnd > submitStart {
		d.Duration = d.LastEnd - submitStart
		d.Rate = float64(d.Succeeded) / d.Duration.Seconds()
	}
	return d
}

// acceptFigures are the figures of the submitting phase.
type acceptFigures struct {
	Sent, Accepted int
	Errors         map[string]int
	Duration       time.Duration
	Rate           float64 // accepted / Duration, invocations/s
	Latency        stats.Summary
}

func acceptOf(sub submission) acceptFigures {
	a := acceptFigures{Sent: len(sub.Samples), Accepted: len(sub.TaskIDs), Errors: stats.Errors(sub.Samples, ""),
		Duration: sub.End - sub.Start, Latency: stats.Summarize(stats.Latencies(sub.Samples, ""))}
	if a.Duration > 0 {
		a.Rate = float64(a.Accepted) / a.Duration.Seconds()
	}
	return a
}

// perSecond counts the offsets in each whole second [0, n).
func perSecond(offsets []time.Duration, n int) []int {
	counts := make([]int, n)
	for _, o := range offsets {
		if i := int(o / time.Second); i >= 0 && i < n {
			counts[i]++
		}
	}
	return counts
}
