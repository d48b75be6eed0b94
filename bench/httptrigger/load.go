package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/yun-fc/yun/internal/client"
)

// path is one way to call the function.
type path struct {
	name string
	call func(ctx context.Context) error
}

// result is what one path did at one client count, over all rounds.
type result struct {
	path      string
	clients   int
	latencies []time.Duration
	errors    int
	elapsed   time.Duration
}

func paths(t *target) []path {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	return []path{
		{"InvokeFunction (signed API)", func(ctx context.Context) error {
			res, err := t.api.Invoke(ctx, functionName, client.InvokeOptions{})
			if err == nil && (res.ErrorType != "" || string(res.Body) != "ok") {
				err = fmt.Errorf("invoke answered %s %q", res.ErrorType, res.Body)
			}
			return err
		}},
		{"HTTP trigger (anonymous)", func(ctx context.Context) error { return get(ctx, hc, t.triggerURL) }},
		{"HTTP trigger, custom runtime (passed through)", func(ctx context.Context) error { return get(ctx, hc, t.customURL) }},
	}
}

// get calls a trigger and wants "ok".
func get(ctx context.Context, hc *http.Client, url string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil && (resp.StatusCode != 200 || string(b) != "ok") {
		err = fmt.Errorf("trigger answered %d %q", resp.StatusCode, b)
	}
	return err
}

// measure warms both paths up, then runs every client count in rounds that
// alternate the paths, in ABBA order.
func measure(ctx context.Context, cfg config, t *target, progress io.Writer) ([]*result, error) {
	ps := paths(t)
	for _, p := range ps {
		for range 50 {
			if err := p.call(ctx); err != nil {
				return nil, fmt.Errorf("warm-up of %s: %w", p.name, err)
			}
		}
	}
	var out []*result
	slice := cfg.duration / time.Duration(cfg.rounds)
	for _, n := range cfg.clients {
		rs := make([]*result, len(ps))
		for i, p := range ps {
			rs[i] = &result{path: p.name, clients: n}
		}
		for round := range cfg.rounds {
			for j := range ps {
				i := j
				if round%2 == 1 { // ABBA: neither path always goes first
					i = len(ps) - 1 - j
				}
				fmt.Fprintf(progress, "%d clients, round %d/%d: %s\n", n, round+1, cfg.rounds, ps[i].name)
				closedLoop(ctx, ps[i], n, slice, rs[i])
			}
		}
		out = append(out, rs...)
	}
	return out, ctx.Err()
}

// closedLoop runs n clients that each call p back to back for d, adding
// their latencies and errors to r. Calls are never cut off: a cancelled
// request would break the warm instance, and the next slice would measure
// a cold start instead of the path.
func closedLoop(ctx context.Context, p path, n int, d time.Duration, r *result) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for range n {
		wg.Go(func() {
			var lat []time.Duration
			errs := 0
			for ctx.Err() == nil && time.Now().Before(deadline) {
				t0 := time.Now()
				if err := p.call(ctx); err != nil {
					errs++
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			r.latencies = append(r.latencies, lat...)
			r.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	r.elapsed += time.Since(start)
}
