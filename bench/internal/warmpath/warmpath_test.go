package warmpath

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr bool
	}{
		{"defaults", func(*Config) {}, false},
		{"no clients", func(c *Config) { c.Clients = nil }, true},
		{"too many clients", func(c *Config) { c.Clients = []int{1, 500} }, true},
		{"no rounds", func(c *Config) { c.Rounds = 0 }, true},
		{"long profile", func(c *Config) { c.Profile = time.Hour }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.change(&c)
			if err := c.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
	if got, err := parseInts("1, 4,16"); err != nil || len(got) != 3 || got[2] != 16 {
		t.Errorf("parseInts = %v, %v; want [1 4 16]", got, err)
	}
	if _, err := parseInts("1,x"); err == nil {
		t.Errorf("parseInts(1,x) = nil error, want one")
	}
}

func samples(n int, each time.Duration) []load.Sample {
	out := make([]load.Sample, n)
	for i := range out {
		start := time.Duration(i) * each
		out[i] = load.Sample{Scheduled: start, Start: start, End: start + each, Value: "9000"}
	}
	return out
}

func TestComparisons(t *testing.T) {
	r := &result{cfg: Config{Clients: []int{1}}, rounds: []round{
		{path: pathDirect, clients: 1, index: 0, samples: samples(100, 100*time.Microsecond), elapsed: 10 * time.Millisecond,
			cpu: cpuUse{instance: 5 * time.Millisecond}},
		{path: pathYun, clients: 1, index: 0, samples: samples(50, 200*time.Microsecond), elapsed: 10 * time.Millisecond,
			cpu: cpuUse{yun: 10 * time.Millisecond}},
	}}
	c := r.comparisons()[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"direct throughput", c.direct.median, 10000.0},
		{"yun throughput", c.yun.median, 5000.0},
		{"ratio", c.ratio, 0.5},
		{"round ratio", c.roundRatio, 0.5},
		{"added P50", c.addedP50, 100 * time.Microsecond},
		{"yun CPU per request", c.yun.cpuPerReq.yun, 200 * time.Microsecond},
		{"direct instance CPU per request", c.direct.cpuPerReq.instance, 50 * time.Microsecond},
		{"answers", c.yun.answers["9000"], 50},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestDirect checks the direct path sends the engine's headers and reads
// the answer.
func TestDirect(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte("4321"))
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	d := newDirect(port, []byte("ping"), 1, nil)
	if !d.reaches(context.Background(), "4321") {
		t.Fatalf("reaches = false, want the test server's answer")
	}
	for _, h := range []string{"X-Fc-Request-Id", "X-Fc-Control-Path", "X-Fc-Function-Name", "X-Fc-Instance-Id"} {
		if got.Get(h) == "" {
			t.Errorf("request lacks %s", h)
		}
	}
	if d.reaches(context.Background(), "other") {
		t.Errorf("reaches(other) = true, want false for a different answer")
	}
}
