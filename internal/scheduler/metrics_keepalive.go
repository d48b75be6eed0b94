package scheduler

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// keepAliveMetrics show what the keep-alive policies decide.
type keepAliveMetrics struct {
	prewarms *prometheus.CounterVec // yun_keepalive_prewarms_total{function,policy}
	reclaims *prometheus.CounterVec // yun_keepalive_reclaims_total{function,policy}
}

func newKeepAliveMetrics() keepAliveMetrics {
	labels := []string{"function", "policy"}
	return keepAliveMetrics{
		prewarms: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yun_keepalive_prewarms_total",
			Help: "Instances started ahead of a predicted call that became ready (not counted as cold starts)."}, labels),
		reclaims: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yun_keepalive_reclaims_total",
			Help: "Idle instances stopped because their keep-alive ended, by policy."}, labels),
	}
}

func (m *metrics) prewarmed(function, policy string, d time.Duration) {
	if m != nil {
		m.keepAlive.prewarms.WithLabelValues(function, policy).Inc()
		m.startTime.WithLabelValues(function, "prewarm").Observe(d.Seconds())
	}
}

func (m *metrics) reclaimed(function, policy string) {
	if m != nil {
		m.keepAlive.reclaims.WithLabelValues(function, policy).Inc()
	}
}

var (
	descKeepAlivePolicy = prometheus.NewDesc("yun_keepalive_policy",
		"The keep-alive policy that decides for the function's instances (value 1).", []string{"function", "policy"}, nil)
	descNodeKeepAlivePolicy = prometheus.NewDesc("yun_keepalive_node_policy",
		"The node's default keep-alive policy (value 1).", []string{"policy"}, nil)
	descNextCall = prometheus.NewDesc("yun_keepalive_predicted_call_timestamp_seconds",
		"When an adaptive policy expects the function's next call (the opening of its keep-alive window), in Unix seconds.",
		[]string{"function"}, nil)
)

// keepAliveCollector reports, at scrape time, the policy of every live
// function and the predictions of the adaptive ones.
type keepAliveCollector struct{ s *Scheduler }

func (c keepAliveCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descKeepAlivePolicy
	ch <- descNodeKeepAlivePolicy
	ch <- descNextCall
}

type policySeries struct{ function, policy string }

func (c keepAliveCollector) Collect(ch chan<- prometheus.Metric) {
	policies := make(map[policySeries]bool)
	next := make(map[string]time.Time)
	for _, p := range c.s.livePools() {
		fn, name, at := p.keepAliveState()
		policies[policySeries{fn, name}] = true
		if at.After(next[fn]) {
			next[fn] = at
		}
	}
	for k := range policies {
		ch <- prometheus.MustNewConstMetric(descKeepAlivePolicy, prometheus.GaugeValue, 1, k.function, k.policy)
	}
	for fn, at := range next {
		ch <- prometheus.MustNewConstMetric(descNextCall, prometheus.GaugeValue, float64(at.UnixMilli())/1000, fn)
	}
	ch <- prometheus.MustNewConstMetric(descNodeKeepAlivePolicy, prometheus.GaugeValue, 1, PolicyName(c.s.keepAlive))
}

// keepAliveState returns the pool's function, its policy's name and the
// predicted next call of its Key (zero if none).
func (p *pool) keepAliveState() (function, policy string, next time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.adaptive != nil {
		next = p.adaptive.NextCall(p.target.Key)
	}
	return p.target.Function, p.policyName, next
}
