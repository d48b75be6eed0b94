package api

import (
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/yun-fc/yun/internal/fc"
)

// MetricsHandler serves g's metrics in the Prometheus text format, without
// authentication (scrapers cannot sign ACS3 requests) and therefore only to
// clients on the loopback interface: a scraper elsewhere reaches it through
// a local agent or a reverse proxy that the operator controls. Other
// clients get FC's 403 AccessDenied JSON.
func MetricsHandler(g prometheus.Gatherer) http.Handler {
	h := promhttp.HandlerFor(g, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fromLoopback(r) {
			writeJSON(w, http.StatusForbidden, errorBody{Code: fc.CodeAccessDenied,
				Message: "/metrics is served to loopback clients only"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
