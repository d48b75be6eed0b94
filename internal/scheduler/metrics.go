package scheduler

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

// Scale decisions, the values of yun_scale_decisions_total's decision label.
const (
	decisionStartOnDemand    = "start_on_demand"
	decisionStartProvisioned = "start_provisioned"
	decisionPromote          = "promote"  // an on-demand instance became provisioned
	decisionDemote           = "demote"   // a busy provisioned instance became on-demand
	decisionShed             = "shed"     // an idle provisioned instance above target stopped
	decisionReclaim          = "reclaim"  // keep-alive expired
	decisionEvict            = "evict"    // stopped to make room for another Key
	decisionThrottle         = "throttle" // refused by reservedConcurrency
	decisionCap              = "cap"      // stopped: beyond a lowered reservedConcurrency
	decisionPrewarm          = "prewarm"  // started ahead of a predicted call
)

func startDecision(k Kind) string {
	if k == KindProvisioned {
		return decisionStartProvisioned
	}
	return decisionStartOnDemand
}

// metrics are the scheduler's Prometheus metrics. Every series is labelled
// with the function ("account/name"). A nil *metrics records nothing.
type metrics struct {
	invocations *prometheus.CounterVec   // yun_invocations_total{function}
	errors      *prometheus.CounterVec   // yun_invocation_errors_total{function,type}
	duration    *prometheus.HistogramVec // yun_invocation_duration_seconds{function}: queue + run
	queueWait   *prometheus.HistogramVec // yun_queue_wait_seconds{function}
	coldStarts  *prometheus.CounterVec   // yun_cold_starts_total{function,kind}
	startTime   *prometheus.HistogramVec // yun_instance_start_duration_seconds{function,kind}
	startFails  *prometheus.CounterVec   // yun_instance_start_failures_total{function}
	decisions   *prometheus.CounterVec   // yun_scale_decisions_total{function,decision}
	keepAlive   keepAliveMetrics         // yun_keepalive_* (metrics_keepalive.go)
}

// newMetrics registers the scheduler's metrics into reg, with a collector
// that reports queue lengths, instances by state and kind, provisioned
// targets and node memory at scrape time. A nil reg gives nil metrics.
func newMetrics(reg prometheus.Registerer, s *Scheduler) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	fn := []string{"function"}
	m := &metrics{
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yun_invocations_total",
			Help: "Invocations admitted by the scheduler."}, fn),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yun_invocation_errors_total",
			Help: "Invocations that failed, by FC error type or Code."}, []string{"function", "type"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "yun_invocation_duration_seconds",
			Help: "Time from admission to result, queueing included.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 18)}, fn),
		queueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "yun_queue_wait_seconds",
			Help: "Time a request waited for an instance slot.", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 20)}, fn),
		coldStarts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yun_cold_starts_total",
			Help: "Instances that became ready, by kind."}, []string{"function", "kind"}),
		startTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "yun_instance_start_duration_seconds",
			Help: "Time from the decision to start an instance to its readiness.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}, []string{"function", "kind"}),
		startFails: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yun_instance_start_failures_total",
			Help: "Instance starts that failed."}, fn),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yun_scale_decisions_total",
			Help: "Scale decisions taken, by decision."}, []string{"function", "decision"}),
	}
	m.keepAlive = newKeepAliveMetrics()
	for _, c := range []prometheus.Collector{m.invocations, m.errors, m.duration, m.queueWait, m.coldStarts,
		m.startTime, m.startFails, m.decisions, stateCollector{s}, m.keepAlive.prewarms, m.keepAlive.reclaims,
		keepAliveCollector{s}} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) invoked(function string, d time.Duration, res *sandbox.Result, err error) {
	if m == nil {
		return
	}
	m.invocations.WithLabelValues(function).Inc()
	m.duration.WithLabelValues(function).Observe(d.Seconds())
	if t := errorType(res, err); t != "" {
		m.errors.WithLabelValues(function, t).Inc()
	}
}

// errorType names a failed invocation: the FC error type of a function
// error, the Code of a refusal, or the kind of failure.
func errorType(res *sandbox.Result, err error) string {
	var initErr *sandbox.InitError
	switch {
	case err == nil && res != nil:
		return res.ErrorType
	case errors.As(err, &initErr):
		return sandbox.ErrorInitialization
	case errors.Is(err, context.Canceled):
		return fc.CodeClientClosedRequest
	}
	if e, ok := fc.AsError(err); ok {
		return e.Code
	}
	return fc.CodeInternal
}

func (m *metrics) waited(function string, d time.Duration) {
	if m != nil {
		m.queueWait.WithLabelValues(function).Observe(d.Seconds())
	}
}

func (m *metrics) coldStart(function string, kind Kind, d time.Duration) {
	if m != nil {
		m.coldStarts.WithLabelValues(function, kind.String()).Inc()
		m.startTime.WithLabelValues(function, kind.String()).Observe(d.Seconds())
	}
}

func (m *metrics) startFailed(function string) {
	if m != nil {
		m.startFails.WithLabelValues(function).Inc()
	}
}

func (m *metrics) decision(function, decision string) {
	if m != nil {
		m.decisions.WithLabelValues(function, decision).Inc()
	}
}
