package doubling

import (
	"math"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/stats"
	"github.com/yun-fc/yun/bench/internal/timeline"
)

// stageSummary is one stage of the run.
type stageSummary struct {
	phase                   string
	rate                    float64
	offered, served         int
	errors                  map[string]int
	latency                 stats.Summary
	lagP99                  time.Duration
	maxInstances            int // -1 when unknown
	coldStarts              int // -1 when unknown
	yunCPU, instCPU, genCPU float64
	otherCPU                float64       // -1 when unknown
	genPerRequest           time.Duration // generator CPU per request sent
}

// verdict is the target check: zero errors and every second's P95 within
// Tolerance × the steady P95, over the steady phase and the ramp.
type verdict struct {
	steadyP95, limit time.Duration
	errors           map[string]int
	over             []timeline.Row // seconds over the limit or with errors
	maxServed        int            // highest served count in one second
}

func (v verdict) pass() bool { return len(v.over) == 0 }

func (r *result) rows() []timeline.Row {
	n := int(math.Ceil(load.End(r.stages).Seconds()))
	return timeline.Build(r.samples, r.ticks, n)
}

func (r *result) verdict(rows []timeline.Row) verdict {
	v := verdict{steadyP95: stats.Summarize(stats.Latencies(r.samples, phaseSteady)).P95, errors: map[string]int{}}
	v.limit = time.Duration(float64(v.steadyP95) * r.cfg.Tolerance)
	for _, s := range r.samples {
		if !s.OK() && s.Phase != phaseWarmup {
			v.errors[s.Code]++
		}
	}
	for _, row := range rows {
		if row.Phase == phaseWarmup {
			continue
		}
		v.maxServed = max(v.maxServed, row.Served)
		if row.Latency.P95 > v.limit || row.ErrorCount() > 0 {
			v.over = append(v.over, row)
		}
	}
	return v
}

func (r *result) summaries(rows []timeline.Row) []stageSummary {
	var out []stageSummary
	for _, st := range r.stages {
		if st.Phase == phaseWarmup {
			continue
		}
		out = append(out, r.summarize(st, rows))
	}
	return out
}

func (r *result) summarize(st load.Stage, rows []timeline.Row) stageSummary {
	s := stageSummary{phase: st.Phase, rate: st.Rate, errors: stats.Errors(r.samples, st.Phase),
		latency: stats.Summarize(stats.Latencies(r.samples, st.Phase)), maxInstances: -1, coldStarts: -1, otherCPU: -1}
	var lags []time.Duration
	for _, x := range r.samples {
		if x.Phase == st.Phase {
			s.offered++
			lags = append(lags, x.Lag())
			if x.OK() {
				s.served++
			}
		}
	}
	s.lagP99 = stats.Summarize(lags).P99
	s.addRows(rows)
	return s
}

// addRows folds the probe's per-second figures of the stage's seconds in.
func (s *stageSummary) addRows(rows []timeline.Row) {
	n, others, nOthers := 0, 0.0, 0
	for _, row := range rows {
		if row.Phase != s.phase {
			continue
		}
		s.maxInstances = max(s.maxInstances, row.Instances)
		if row.ColdStarts >= 0 {
			s.coldStarts = max(s.coldStarts, 0) + row.ColdStarts
		}
		if row.CPUKnown {
			n++
			s.yunCPU, s.instCPU, s.genCPU = s.yunCPU+row.YunCPU, s.instCPU+row.InstanceCPU, s.genCPU+row.GenCPU
			if row.OtherCPU >= 0 {
				others, nOthers = others+row.OtherCPU, nOthers+1
			}
		}
	}
	if n == 0 {
		return
	}
	if s.offered > 0 {
		genSeconds := s.genCPU / 100 // % of a core summed over seconds
		s.genPerRequest = time.Duration(genSeconds / float64(s.offered) * float64(time.Second))
	}
	s.yunCPU, s.instCPU, s.genCPU = s.yunCPU/float64(n), s.instCPU/float64(n), s.genCPU/float64(n)
	if nOthers > 0 {
		s.otherCPU = others / float64(nOthers)
	}
}
