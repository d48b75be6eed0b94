package scheduler

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// call is one request of a scenario: it arrives at and runs for, in seconds.
type call struct{ at, dur float64 }

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// periodic returns n calls every period seconds, each running dur.
func periodic(n int, period, dur float64) []call {
	out := make([]call, n)
	for i := range out {
		out[i] = call{float64(i) * period, dur}
	}
	return out
}

// feed tells policy about calls of key as a pool would: arrivals, releases
// and (before the first) a start taking one second. It returns when the
// last call ended.
func feed(p AdaptivePolicy, key string, memMB int, calls []call) time.Time {
	p.Observe(key, Activity{Kind: Started, At: t0, StartTook: time.Second})
	var end time.Time
	for _, c := range calls {
		at := t0.Add(secs(c.at))
		p.Observe(key, Activity{Kind: Arrived, At: at, Idle: !at.Before(end), MemoryMB: memMB})
		if e := at.Add(secs(c.dur)); e.After(end) {
			end = e
		}
		p.Observe(key, Activity{Kind: Released, At: end, Idle: true})
	}
	return end
}

// decision is what a policy answers once a scenario's last call ended at E:
// when the instance that served it is reclaimed, when a pre-warm starts
// (-1: none), relative to E, in seconds.
type decision struct{ reclaim, prewarm float64 }

func decide(p AdaptivePolicy, key string, end time.Time) decision {
	d := decision{reclaim: p.ReclaimAt(InstanceView{Key: key, State: StateReady, LastUsed: end}).Sub(end).Seconds(), prewarm: -1}
	if at := p.PrewarmAt(key, end); !at.IsZero() {
		d.prewarm = at.Sub(end).Seconds()
	}
	return d
}

func TestAdaptivePolicies(t *testing.T) {
	bursty := append(periodic(30, 0.5, 0.1), periodic(30, 0.5, 0.1)...)
	for i := 30; i < 60; i++ {
		bursty[i].at += 3600 // a second burst an hour later
	}
	tests := []struct {
		name   string
		policy AdaptivePolicy
		memMB  int
		calls  []call
		want   decision
	}{
		// A new function: the paper's standard keep-alive (the histogram
		// range); Yun keeps it for its break-even time (cost / memory).
		{"hybrid, new", NewHybridPolicy(HybridConfig{}), 128, periodic(1, 0, 1), decision{4 * 3600, -1}},
		{"yun, new", NewYunPolicy(YunConfig{}), 128, periodic(1, 0, 1), decision{DefaultColdStartCost / 128.0, -1}},
		{"yun, new, large", NewYunPolicy(YunConfig{}), 1024, periodic(1, 0, 1), decision{DefaultColdStartCost / 1024.0, -1}},
		{"yun, new, configured", NewYunPolicy(YunConfig{NewKeepAlive: time.Minute}), 128, periodic(1, 0, 1), decision{60, -1}},
		// A timer every 10 minutes: unload at once, pre-warm before the
		// next call. Hybrid: idle time 599s is bin 9 → pre-warm at 9m ×
		// 0.9, keep until 10m × 1.1. Yun: the window opens 2% + 1s before
		// the idle time, the pre-warm two start times before that.
		{"hybrid, periodic", NewHybridPolicy(HybridConfig{}), 128, periodic(8, 600, 1), decision{0, 9 * 60 * 0.9}},
		{"hybrid, periodic, too few samples", NewHybridPolicy(HybridConfig{}), 128, periodic(5, 600, 1), decision{4 * 3600, -1}},
		{"yun, periodic", NewYunPolicy(YunConfig{}), 128, periodic(8, 600, 1), decision{0, 599*0.98 - 1 - 2}},
		// With one idle time, holding the instance over it (and the
		// unseen gap before it) is cheaper than betting on a pre-warm:
		// kept for the break-even time; with nine, pre-warmed.
		{"yun, periodic, one idle time", NewYunPolicy(YunConfig{}), 128, periodic(2, 600, 1), decision{DefaultColdStartCost / 128.0, -1}},
		{"yun, periodic, nine idle times", NewYunPolicy(YunConfig{}), 128, periodic(10, 600, 1), decision{0, 599*0.98 - 1 - 2}},
		// Every 20s: too short to unload; kept (Yun: at least the
		// break-even time, the ski rental beyond what it has seen).
		{"hybrid, frequent", NewHybridPolicy(HybridConfig{}), 128, periodic(20, 20, 1), decision{60 * 1.1, -1}},
		{"yun, frequent", NewYunPolicy(YunConfig{}), 128, periodic(20, 20, 1), decision{DefaultColdStartCost / 128.0, -1}},
		// Bursts an hour apart: idle times of 0.4s and one of 3585s (bin
		// 59). Hybrid keeps until the end of that bin; Yun keeps for the
		// break-even time: up to MaxKeepAlive for a small function, less
		// than the gap for a large one.
		{"hybrid, bursty", NewHybridPolicy(HybridConfig{}), 128, bursty, decision{60 * 60 * 1.1, -1}},
		{"yun, bursty, small", NewYunPolicy(YunConfig{}), 16, bursty, decision{4 * 3600, -1}},
		{"yun, bursty, large", NewYunPolicy(YunConfig{}), 2048, bursty, decision{DefaultColdStartCost / 2048.0, -1}},
		// Calls hours apart: beyond the hybrid's range (out of bounds),
		// predicted from their mean: pre-warm at 85% of it. Yun keeps
		// nothing: an idle instance would cost more than a cold start.
		{"hybrid, rare", NewHybridPolicy(HybridConfig{}), 128, periodic(3, 5*3600, 1), decision{0, (5*3600 - 1) * 0.85}},
		{"yun, rare, large", NewYunPolicy(YunConfig{}), 4096, periodic(3, 5*3600, 1), decision{0, -1}},
		{"yun, rare, small: pre-warmed", NewYunPolicy(YunConfig{}), 256, periodic(3, 5*3600, 1), decision{0, 17999*0.98 - 1 - 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := feed(tt.policy, "k", tt.memMB, tt.calls)
			got := decide(tt.policy, "k", end)
			if !near(got.reclaim, tt.want.reclaim) || !near(got.prewarm, tt.want.prewarm) {
				t.Errorf("got reclaim after %.2fs, pre-warm at %.2fs; want %.2fs, %.2fs", got.reclaim, got.prewarm, tt.want.reclaim, tt.want.prewarm)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 0.01 && b-a < 0.01 }

// TestPrewarmedInstanceKeptThroughWindow: the instance a pre-warm starts is
// kept until the window closes, then a late call is cold; once its window
// has closed no pre-warm is due.
func TestPrewarmWindow(t *testing.T) {
	p := NewHybridPolicy(HybridConfig{})
	end := feed(p, "k", 128, periodic(8, 600, 1))
	prewarmed := InstanceView{Key: "k", State: StateReady, LastUsed: end.Add(8 * time.Minute)}
	if got, want := p.ReclaimAt(prewarmed), end.Add(11*time.Minute); !got.Equal(want) {
		t.Errorf("pre-warmed instance: got reclaim at E+%v, want E+%v", got.Sub(end), want.Sub(end))
	}
	if got := p.PrewarmAt("k", end.Add(11*time.Minute)); !got.IsZero() {
		t.Errorf("after the window: got a pre-warm at E+%v, want none", got.Sub(end))
	}
	if got, want := p.NextCall("k"), end.Add(secs(9*60*0.9)); !got.Equal(want) {
		t.Errorf("NextCall: got E+%v, want E+%v", got.Sub(end), want.Sub(end))
	}
	p.Forget("k")
	if got := p.PrewarmAt("k", end); !got.IsZero() {
		t.Errorf("after Forget: got a pre-warm at E+%v, want none", got.Sub(end))
	}
}

func TestCheapestPlan(t *testing.T) {
	d := func(ss ...float64) []time.Duration {
		out := make([]time.Duration, len(ss))
		for i, s := range ss {
			out[i] = secs(s)
		}
		return out
	}
	tests := []struct {
		name  string
		its   []time.Duration
		memMB float64
		want  []window
	}{
		{"identical idle times: one pre-warmed window", d(100, 100, 100, 100), 1000, []window{{secs(100*0.98 - 1), secs(100*1.02 + 1)}}},
		{"identical idle times, small: kept", d(100, 100, 100, 100), 100, []window{{0, secs(100*1.02 + 1)}}},
		{"two clusters: kept, then pre-warmed", d(120, 3480, 120, 3480, 120, 3480, 120, 3480), 200,
			[]window{{0, secs(120*1.02 + 1)}, {secs(3480*0.98 - 1), secs(3480*1.02 + 1)}}},
		{"two clusters, large: two pre-warmed windows", d(120, 3480, 120, 3480, 120, 3480, 120, 3480), 2000,
			[]window{{secs(120*0.98 - 1), secs(120*1.02 + 1)}, {secs(3480*0.98 - 1), secs(3480*1.02 + 1)}}},
		{"small and cheap: keep through both", d(120, 3480, 120, 3480), 1, []window{{0, secs(3480*1.02 + 1)}}},
		{"short idle times: keep", d(0.1, 0.3, 0.2, 0.5), 100, []window{{0, secs(0.5*1.02 + 1)}}},
		{"long and dear: nothing", d(7200, 30000, 14000), 4096, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cheapestPlan(tt.its, tt.memMB, 300_000, 2*time.Second) // cases are worked out at this cost
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if (got[i].pre-tt.want[i].pre).Abs() > time.Millisecond || (got[i].end-tt.want[i].end).Abs() > time.Millisecond {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestParseKeepAlivePolicy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fixed", "fixed:5m"}, {"fixed:10m", "fixed:10m"}, {"fixed:90s", "fixed:1m30s"},
		{"hybrid", "hybrid"}, {"yun", "yun"}, {"yun:1000", "yun:1000"}, {"yun:0", ""}, {"fixed:0s", ""}, {"fixed:x", ""}, {"lru", ""},
	}
	for _, tt := range tests {
		p, err := ParseKeepAlivePolicy(tt.in, 0)
		got := ""
		if err == nil {
			got = PolicyName(p)
		}
		if got != tt.want {
			t.Errorf("ParseKeepAlivePolicy(%q): got %q (err %v), want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestPrewarmThroughScheduler: a function called every 10 seconds under
// Yun's policy with a one-second keep-alive for new functions is reclaimed
// between its first calls, then pre-warmed: later calls find a ready
// instance, started as a pre-warm, and no cold start happens.
func TestPrewarmThroughScheduler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: 200 * time.Millisecond}
		// Holding 128 MB for 10s (1280 MB·s) costs more than a cold
		// start (1000); holding it for a pre-warm's lead and slack does not.
		reg := prometheus.NewRegistry()
		h := newHarness(t, Config{KeepAlivePolicy: NewYunPolicy(YunConfig{ColdStartCost: 1000, NewKeepAlive: time.Second}),
			Metrics: reg}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		var ids []string
		for i := range 6 {
			res, err := h.invoke(context.Background(), tg, "r"+string(rune('0'+i)), "")
			if err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
			ids = append(ids, string(res.Body))
			if i == 2 {
				synctest.Wait()
			}
			time.Sleep(10 * time.Second)
		}
		starts, _ := eng.stats()
		// Calls 0 and 1 are cold (the second after its instance was
		// reclaimed); from the first idle time on, each call is
		// pre-warmed, and so is the one after the last. Each call runs
		// on a new instance, and only two were cold starts (below).
		if starts != 7 {
			t.Errorf("got %d instance starts, want 7 (two cold, five pre-warms)", starts)
		}
		for i := 2; i < len(ids); i++ {
			if ids[i] == ids[i-1] {
				t.Errorf("calls %d and %d shared instance %s: want it reclaimed between calls", i-1, i, ids[i])
			}
		}
		fn := map[string]string{"function": "acct/f"}
		withPolicy := map[string]string{"function": "acct/f", "policy": "yun:1000"}
		for _, m := range []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"yun_cold_starts_total", map[string]string{"function": "acct/f", "kind": "on-demand"}, 2},
			{"yun_keepalive_prewarms_total", withPolicy, 5},
			{"yun_keepalive_reclaims_total", withPolicy, 6}, // every instance but the last pre-warm
			{"yun_scale_decisions_total", map[string]string{"function": "acct/f", "decision": "prewarm"}, 5},
			{"yun_keepalive_policy", withPolicy, 1},
			{"yun_keepalive_node_policy", map[string]string{"policy": "yun:1000"}, 1},
		} {
			if got := metricValue(t, reg, m.name, m.labels); got != m.want {
				t.Errorf("%s%v: got %v, want %v", m.name, m.labels, got, m.want)
			}
		}
		// The next call is predicted one period after the last one ended.
		next := metricValue(t, reg, "yun_keepalive_predicted_call_timestamp_seconds", fn)
		if want := float64(time.Now().Add(-10*time.Second).Add(secs(10*0.98-1)).UnixMilli()) / 1000; !near(next, want) {
			t.Errorf("predicted call at %v, want %v", next, want)
		}
	})
}
