package daemon

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yun-fc/yun/internal/sandbox/process"
)

// poolMetrics exports the process engine's pools of pre-warmed sandboxes,
// read when /metrics is scraped.
type poolMetrics struct{ engine *process.Engine }

var (
	poolSandboxesDesc = prometheus.NewDesc("yun_prewarm_sandboxes",
		"Pre-warmed sandboxes by kind of runtime and state (ready: waiting for a function; booting).",
		[]string{"runtime", "state"}, nil)
	poolTargetDesc = prometheus.NewDesc("yun_prewarm_target",
		"What each pool is being filled to: max(its minimum, recent cold starts), at most --prewarm-max.",
		[]string{"runtime"}, nil)
	poolClaimsDesc = prometheus.NewDesc("yun_prewarm_claims_total",
		"Cold starts of each kind of runtime that took a pre-warmed sandbox (hit) or found none they could use (miss).",
		[]string{"runtime", "result"}, nil)
	poolMemoryDesc = prometheus.NewDesc("yun_prewarm_memory_bytes",
		"Memory held by each pool's ready sandboxes.", []string{"runtime"}, nil)
)

func (m poolMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolSandboxesDesc, poolTargetDesc, poolClaimsDesc, poolMemoryDesc} {
		ch <- d
	}
}

func (m poolMetrics) Collect(ch chan<- prometheus.Metric) {
	for _, s := range m.engine.PoolStats() {
		ch <- prometheus.MustNewConstMetric(poolSandboxesDesc, prometheus.GaugeValue, float64(s.Ready), s.Kind, "ready")
		ch <- prometheus.MustNewConstMetric(poolSandboxesDesc, prometheus.GaugeValue, float64(s.Booting), s.Kind, "booting")
		ch <- prometheus.MustNewConstMetric(poolTargetDesc, prometheus.GaugeValue, float64(s.Target), s.Kind)
		ch <- prometheus.MustNewConstMetric(poolClaimsDesc, prometheus.CounterValue, float64(s.Hits), s.Kind, "hit")
		ch <- prometheus.MustNewConstMetric(poolClaimsDesc, prometheus.CounterValue, float64(s.Misses), s.Kind, "miss")
		ch <- prometheus.MustNewConstMetric(poolMemoryDesc, prometheus.GaugeValue, float64(s.MemoryBytes), s.Kind)
	}
}
