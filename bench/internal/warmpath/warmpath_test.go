package warmpath

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
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
		{"no references", func(c *Config) { c.Refs = nil }, false},
		{"unknown reference", func(c *Config) { c.Refs = []string{"nginx"} }, true},
		{"reference twice", func(c *Config) { c.Refs = []string{refL4, refL4} }, true},
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
	r := &result{cfg: Config{Clients: []int{1}, Refs: []string{refL4}}, rounds: []round{
		{path: pathDirect, clients: 1, index: 0, samples: samples(100, 100*time.Microsecond), elapsed: 10 * time.Millisecond,
			cpu: cpuUse{instance: 5 * time.Millisecond}},
		{path: pathYun, clients: 1, index: 0, samples: samples(50, 200*time.Microsecond), elapsed: 10 * time.Millisecond,
			cpu: cpuUse{middle: 10 * time.Millisecond}},
		{path: refL4, clients: 1, index: 0, samples: samples(80, 125*time.Microsecond), elapsed: 10 * time.Millisecond},
	}}
	c := r.comparisons()[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"direct throughput", c.direct.median, 10000.0},
		{"yun throughput", c.yun.stats.median, 5000.0},
		{"ratio", c.yun.ratio, 0.5},
		{"round ratio", c.yun.roundRatio, 0.5},
		{"added P50", c.yun.addedP50, 100 * time.Microsecond},
		{"yun CPU per request", c.yun.stats.cpuPerReq.middle, 200 * time.Microsecond},
		{"direct instance CPU per request", c.direct.cpuPerReq.instance, 50 * time.Microsecond},
		{"answers", c.yun.stats.answers["9000"], 50},
		{"references", len(c.refs), 1},
		{"l4 ratio", c.refs[0].ratio, 0.8},
		{"l4 added P50", c.refs[0].addedP50, 25 * time.Microsecond},
		{"paths after direct", len(c.all()), 2},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestReferenceProxies sends keep-alive requests through each reference
// proxy to a test server and checks they arrive whole and answer, also after
// the server closed the proxy's idle connections.
func TestReferenceProxies(t *testing.T) {
	var mu sync.Mutex
	var got []string
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Fc-Function-Name")+" "+string(body))
		mu.Unlock()
		w.Write([]byte("4321"))
	}))
	defer backend.Close()
	for _, k := range refKinds {
		t.Run(k.name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			serve, err := referenceServer(k.name, backend.Listener.Addr().String(), nil)
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- serve(ctx, ln) }()
			d := newDirect(strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), []byte("ping"), 1, nil)
			for i := range 3 {
				if i == 2 { // the instance closes its idle connections, as Node.js does after 5 s
					backend.CloseClientConnections()
					time.Sleep(100 * time.Millisecond) // the FINs reach the proxy, as in a real idle gap
				}
				if out := d.do(ctx); out.Code != "" || out.Value != "4321" {
					t.Errorf("request %d through %s = %+v, want the backend's 4321", i, k.name, out)
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve = %v after cancel, want nil", err)
			}
			mu.Lock()
			defer mu.Unlock()
			want := "POST /invoke " + functionName + " ping"
			if len(got) != 3 || got[0] != want {
				t.Errorf("backend got %q, want 3 × %q", got, want)
			}
		})
	}
	if _, err := referenceServer("nope", "127.0.0.1:1", nil); err == nil {
		t.Errorf("referenceServer(nope) = nil error, want one")
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
