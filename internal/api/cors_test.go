package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

func TestCORSPreflight(t *testing.T) {
	cases := []struct {
		name        string
		config      fc.CORSConfig
		origin      string
		method      string
		reqHeaders  string
		wantStatus  int
		wantOrigin  string
		wantMethods string
		wantHeaders string
		wantCreds   string
		wantMaxAge  string
	}{
		{name: "any origin by default", config: fc.CORSConfig{}, origin: "https://a.example", method: "POST",
			reqHeaders: "X-Token", wantStatus: 204, wantOrigin: "*", wantMethods: "GET, POST", wantHeaders: "X-Token"},
		{name: "listed origin, credentials echo it", config: fc.CORSConfig{AllowOrigins: []string{"https://a.example"},
			AllowCredentials: true, MaxAge: 600, AllowHeaders: []string{"X-A", "X-B"}},
			origin: "https://a.example", method: "GET", wantStatus: 204, wantOrigin: "https://a.example",
			wantMethods: "GET, POST", wantHeaders: "X-A, X-B", wantCreds: "true", wantMaxAge: "600"},
		{name: "wildcard subdomain", config: fc.CORSConfig{AllowOrigins: []string{"https://*.example.com"}},
			origin: "https://shop.example.com", method: "GET", wantStatus: 204, wantOrigin: "https://shop.example.com", wantMethods: "GET, POST"},
		{name: "star with credentials echoes the origin", config: fc.CORSConfig{AllowOrigins: []string{"*"}, AllowCredentials: true},
			origin: "https://b.example", method: "GET", wantStatus: 204, wantOrigin: "https://b.example", wantMethods: "GET, POST", wantCreds: "true"},
		{name: "origin not allowed", config: fc.CORSConfig{AllowOrigins: []string{"https://a.example"}},
			origin: "https://evil.example", method: "GET", wantStatus: 403},
		{name: "wildcard does not match the bare domain", config: fc.CORSConfig{AllowOrigins: []string{"https://*.example.com"}},
			origin: "https://.example.com", method: "GET", wantStatus: 403},
		{name: "method outside the route", config: fc.CORSConfig{}, origin: "https://a.example", method: "DELETE", wantStatus: 403},
		{name: "allowMethods narrows", config: fc.CORSConfig{AllowMethods: []string{"get"}}, origin: "https://a.example",
			method: "GET", wantStatus: 204, wantOrigin: "*", wantMethods: "GET"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newCORSPolicy(&tc.config, []string{"GET", "POST"})
			r := httptest.NewRequest(http.MethodOptions, "/", nil)
			r.Header.Set("Origin", tc.origin)
			r.Header.Set("Access-Control-Request-Method", tc.method)
			if tc.reqHeaders != "" {
				r.Header.Set("Access-Control-Request-Headers", tc.reqHeaders)
			}
			if !isPreflight(r) {
				t.Fatal("got isPreflight false, want true")
			}
			w := httptest.NewRecorder()
			err := p.preflight(w, r)
			if tc.wantStatus == 403 {
				if e, ok := fc.AsError(err); !ok || e.Status != 403 {
					t.Fatalf("got %v, want a 403", err)
				}
				return
			}
			h := w.Header()
			got := []string{h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Methods"), h.Get("Access-Control-Allow-Headers"),
				h.Get("Access-Control-Allow-Credentials"), h.Get("Access-Control-Max-Age")}
			want := []string{tc.wantOrigin, tc.wantMethods, tc.wantHeaders, tc.wantCreds, tc.wantMaxAge}
			if err != nil || w.Code != tc.wantStatus || fmtList(got) != fmtList(want) {
				t.Errorf("got %v %d %q, want %d %q", err, w.Code, got, tc.wantStatus, want)
			}
		})
	}
}

func TestCORSDecorate(t *testing.T) {
	p := newCORSPolicy(&fc.CORSConfig{AllowOrigins: []string{"https://a.example"}, ExposeHeaders: []string{"X-Total"}}, nil)
	h := http.Header{}
	p.decorate(h, "https://a.example")
	if h.Get("Access-Control-Allow-Origin") != "https://a.example" || h.Get("Access-Control-Expose-Headers") != "X-Total" || h.Get("Vary") != "Origin" {
		t.Errorf("allowed origin: got %v", h)
	}
	h = http.Header{}
	p.decorate(h, "https://evil.example")
	if len(h) != 0 {
		t.Errorf("other origin: got %v, want no CORS headers", h)
	}
}

func fmtList(s []string) string {
	out := ""
	for _, v := range s {
		out += "[" + v + "]"
	}
	return out
}
