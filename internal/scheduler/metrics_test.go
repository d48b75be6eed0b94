package scheduler

import (
	"errors"
	"testing"
	"testing/synctest"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yun-fc/yun/internal/fc"
)

// metricValue returns the value of the first series of name whose labels
// include want: a counter's or gauge's value, a histogram's sample count.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			found := 0
			for _, l := range m.GetLabel() {
				if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
					found++
				}
			}
			if f.GetName() != name || found != len(want) {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}

func TestMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := prometheus.NewRegistry()
		h := newHarness(t, Config{Metrics: reg}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", 1)
		mustInvoke(t, h, tg, "")
		mustInvoke(t, h, tg, "")
		h.s.SetReservedConcurrency("acct/f", 1)
		busy := h.invokeAsync(tg, "busy", "sleep 1s")
		synctest.Wait()
		if _, err := h.invoke(t.Context(), tg, "refused", ""); !errors.Is(err, ErrReservedConcurrency) {
			t.Fatalf("got %v, want ErrReservedConcurrency", err)
		}
		<-busy
		synctest.Wait()
		fn := map[string]string{"function": "acct/f"}
		checks := []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"yun_invocations_total", fn, 4},
			{"yun_invocation_errors_total", map[string]string{"function": "acct/f", "type": fc.CodeReservedConcurrencyThrottling}, 1},
			{"yun_invocation_duration_seconds", fn, 4},
			{"yun_queue_wait_seconds", fn, 4},
			{"yun_cold_starts_total", map[string]string{"function": "acct/f", "kind": "on-demand"}, 1},
			{"yun_instances", map[string]string{"function": "acct/f", "state": "idle", "kind": "on-demand"}, 1},
			{"yun_queue_length", fn, 0},
			{"yun_scale_decisions_total", map[string]string{"function": "acct/f", "decision": decisionStartOnDemand}, 1},
			{"yun_scale_decisions_total", map[string]string{"function": "acct/f", "decision": decisionThrottle}, 1},
		}
		for _, c := range checks {
			if got := metricValue(t, reg, c.name, c.labels); got != c.want {
				t.Errorf("%s%v: got %v, want %v", c.name, c.labels, got, c.want)
			}
		}
	})
}

func TestNilRegistryRecordsNothing(t *testing.T) {
	m, err := newMetrics(nil, nil)
	if m != nil || err != nil {
		t.Fatalf("got %v, %v; want nil, nil", m, err)
	}
	m.invoked("f", 0, nil, nil) // must not panic
	m.decision("f", decisionEvict)
}
