package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler"
)

func TestMetricsHandlerServesLoopbackOnly(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "yun_test_total", Help: "test"}))
	h := MetricsHandler(reg)
	tests := []struct {
		remote string
		want   int
	}{
		{"127.0.0.1:5000", http.StatusOK},
		{"[::1]:5000", http.StatusOK},
		{"10.1.2.3:5000", http.StatusForbidden},
		{"garbage", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.RemoteAddr = tt.remote
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("got %d, want %d", w.Code, tt.want)
			}
		})
	}
}

func TestInstanceInfo(t *testing.T) {
	tests := []struct {
		name       string
		in         scheduler.InstanceInfo
		wantStatus string
		wantKind   string
	}{
		{"starting", scheduler.InstanceInfo{State: scheduler.StateStarting}, "Starting", fc.ResourceOnDemand},
		{"idle provisioned", scheduler.InstanceInfo{State: scheduler.StateReady, Kind: scheduler.KindProvisioned}, "Idle", fc.ResourceProvisioned},
		{"busy", scheduler.InstanceInfo{State: scheduler.StateReady, Busy: 1}, "Busy", fc.ResourceOnDemand},
		{"draining", scheduler.InstanceInfo{State: scheduler.StateDraining, Busy: 1}, "Draining", fc.ResourceOnDemand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := instanceInfo(tt.in)
			if got.Status != tt.wantStatus || got.ResourceType != tt.wantKind {
				t.Errorf("got %s %s, want %s %s", got.Status, got.ResourceType, tt.wantStatus, tt.wantKind)
			}
		})
	}
}

func TestInstanceFilter(t *testing.T) {
	tests := []struct {
		name    string
		query   url.Values
		in      fc.InstanceInfo
		want    bool
		wantErr bool
	}{
		{"no filter", url.Values{}, fc.InstanceInfo{InstanceID: "a", Status: "Idle"}, true, false},
		{"by id", url.Values{"instanceIds": {`["b"]`}}, fc.InstanceInfo{InstanceID: "a"}, false, false},
		{"by status", url.Values{"instanceStatus": {`["Idle","Busy"]`}}, fc.InstanceInfo{Status: "Busy"}, true, false},
		{"ids not JSON", url.Values{"instanceIds": {`a,b`}}, fc.InstanceInfo{}, false, true},
		{"limit out of range", url.Values{"limit": {"0"}}, fc.InstanceInfo{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseInstanceFilter(tt.query)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && f.match(&tt.in) != tt.want {
				t.Errorf("match: got %v, want %v", !tt.want, tt.want)
			}
		})
	}
}
