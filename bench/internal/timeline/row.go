package timeline

import (
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/probe"
	"github.com/yun-fc/yun/bench/internal/stats"
)

// Row is one second of a run.
type Row struct {
	stats.Second
	Phase       string  // the phase of most of the second's arrivals
	Instances   int     // at the end of the second; -1 when unknown
	Starting    int     // of which still starting (metrics only; -1 when unknown)
	ColdStarts  int     // during the second; -1 when unknown
	YunCPU      float64 // % of one core used by yun server during the second
	InstanceCPU float64 // % of one core used by the instances
	GenCPU      float64 // % of one core used by the load generator (this process without the probe)
	ProbeCPU    float64 // % of one core used by the probe's samples
	// OtherCPU is what the rest of the machine used (its busy time minus
	// the three above), in % of one core; -1 when unknown.
	OtherCPU float64
	CPUKnown bool // false when no probe sample fell in the second
}

// TotalCPU is the CPU of everything measured, in % of one core.
func (r Row) TotalCPU() float64 { return r.YunCPU + r.InstanceCPU + r.GenCPU }

// Build returns the rows of the first n seconds from the origin.
func Build(samples []load.Sample, ticks []probe.Tick, n int) []Row {
	secs := stats.BySecond(samples, 0, n)
	phases := majorityPhase(samples, n)
	rows := make([]Row, n)
	for i, s := range secs {
		rows[i] = Row{Second: s, Phase: phases[i], Instances: -1, Starting: -1, ColdStarts: -1, OtherCPU: -1}
		a, b := tickAt(ticks, time.Duration(i)*time.Second), tickAt(ticks, time.Duration(i+1)*time.Second)
		if a == nil || b == nil || a == b { // no sample in the second (the probe was starved)
			continue
		}
		rows[i].Instances = b.Instances
		if b.ByState != nil {
			rows[i].Starting = b.ByState["starting"]
		}
		if a.ColdStarts >= 0 && b.ColdStarts >= 0 {
			rows[i].ColdStarts = b.ColdStarts - a.ColdStarts
		}
		if span := b.At - a.At; span > 0 {
			pct := func(x, y time.Duration) float64 { return 100 * float64(y-x) / float64(span) }
			rows[i].ProbeCPU = pct(a.ProbeCPU, b.ProbeCPU)
			rows[i].YunCPU, rows[i].InstanceCPU, rows[i].GenCPU =
				pct(a.YunCPU, b.YunCPU), pct(a.InstanceCPU, b.InstanceCPU), max(0, pct(a.SelfCPU, b.SelfCPU)-rows[i].ProbeCPU)
			rows[i].CPUKnown = true
			if a.MachineCPU >= 0 && b.MachineCPU >= 0 {
				rows[i].OtherCPU = max(0, pct(a.MachineCPU, b.MachineCPU)-rows[i].TotalCPU()-rows[i].ProbeCPU)
			}
		}
	}
	return rows
}

// tickAt is the last tick taken at most 200 ms after t, or nil.
func tickAt(ticks []probe.Tick, t time.Duration) *probe.Tick {
	var found *probe.Tick
	for i := range ticks {
		if ticks[i].At <= t+200*time.Millisecond {
			found = &ticks[i]
		}
	}
	return found
}

func majorityPhase(samples []load.Sample, n int) []string {
	counts := make([]map[string]int, n)
	for _, s := range samples {
		i := int(s.Scheduled / time.Second)
		if i < 0 || i >= n {
			continue
		}
		if counts[i] == nil {
			counts[i] = map[string]int{}
		}
		counts[i][s.Phase]++
	}
	out := make([]string, n)
	for i, c := range counts {
		best := 0
		for phase, k := range c {
			if k > best || k == best && phase < out[i] {
				out[i], best = phase, k
			}
		}
	}
	return out
}
