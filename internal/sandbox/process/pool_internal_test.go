package process

import (
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// TestPoolNext checks the refill decision: the pool that lacks the most
// first, demand within the window raising a pool above its minimum up to
// Max, the memory budget, and the pause after a failed boot.
func TestPoolNext(t *testing.T) {
	now := time.Unix(1000, 0)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	tests := []struct {
		name   string
		cfg    Prewarm
		memory int64 // already held
		setup  func(node, python *kindPool)
		want   string // pool booted for; "" for none
	}{
		{"empty pools: the first short one", Prewarm{Node: 1, Python: 1, Max: 2, MemoryMB: 512}, 0, nil, poolNode},
		{"the pool lacking most", Prewarm{Node: 1, Python: 2, Max: 2, MemoryMB: 512}, 0, nil, poolPython},
		{"full pools: none", Prewarm{Node: 1, Python: 1, Max: 2, MemoryMB: 512}, 0, func(n, p *kindPool) {
			n.ready, p.ready = make([]*Instance, 1), make([]*Instance, 1)
		}, ""},
		{"booting counts", Prewarm{Node: 1, Max: 2, MemoryMB: 512}, 0, func(n, p *kindPool) { n.booting = 1 }, ""},
		{"recent demand raises the target", Prewarm{Node: 1, Max: 3, MemoryMB: 512}, 0, func(n, p *kindPool) {
			n.ready = make([]*Instance, 1)
			n.demand = []time.Time{ago(time.Second), ago(2 * time.Second)}
		}, poolNode},
		{"demand is capped by Max", Prewarm{Node: 1, Max: 2, MemoryMB: 512}, 0, func(n, p *kindPool) {
			n.ready = make([]*Instance, 2)
			n.demand = []time.Time{ago(time.Second), ago(time.Second), ago(time.Second)}
		}, ""},
		{"old demand ages out", Prewarm{Node: 1, Max: 3, MemoryMB: 512}, 0, func(n, p *kindPool) {
			n.ready = make([]*Instance, 1)
			n.demand = []time.Time{ago(time.Minute), ago(time.Minute)}
		}, ""},
		{"the memory budget", Prewarm{Node: 1, Python: 1, Max: 1, MemoryMB: 100}, 90 << 20, func(n, p *kindPool) {
			n.estimate, p.estimate = 20<<20, 8<<20
		}, poolPython},
		{"a failed boot pauses its pool", Prewarm{Node: 1, Python: 1, Max: 1, MemoryMB: 512}, 0, func(n, p *kindPool) {
			n.failedAt = ago(poolRetry / 2)
		}, poolPython},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.DemandWindow = 30 * time.Second
			p := &pool{cfg: cfg, budget: int64(cfg.MemoryMB) << 20, memory: tt.memory, kinds: map[string]*kindPool{
				poolNode:   {name: poolNode, min: cfg.Node, estimate: 48 << 20},
				poolPython: {name: poolPython, min: cfg.Python, estimate: 16 << 20},
			}}
			if tt.setup != nil {
				tt.setup(p.kinds[poolNode], p.kinds[poolPython])
			}
			kp, reserved := p.next(now)
			got := ""
			if kp != nil {
				got = kp.name
				if kp.booting == 0 || reserved != kp.estimate || p.memory != tt.memory+reserved {
					t.Errorf("booting %d, reserved %d (memory %d), want the estimate %d reserved", kp.booting, reserved, p.memory, kp.estimate)
				}
			}
			if got != tt.want {
				t.Errorf("next = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPoolKind: which specs may take a pre-warmed sandbox. In the sandbox
// every pooled runtime is reached on FC's default port, and variables only
// a starting runtime reads send a spec to a fresh start.
func TestPoolKind(t *testing.T) {
	e := &Engine{iso: &isolation{}}
	tests := []struct {
		name     string
		spec     sandbox.Spec
		wantKind string
		wantOK   bool
	}{
		{"node", sandbox.Spec{Runtime: "nodejs20"}, poolNode, true},
		{"node on another port", sandbox.Spec{Runtime: "nodejs20", Port: 8080}, poolNode, false},
		{"node with extra CA certificates", sandbox.Spec{Runtime: "nodejs20", Env: map[string]string{"NODE_EXTRA_CA_CERTS": "/code/ca.pem"}}, poolNode, false},
		{"python with PYTHONPATH", sandbox.Spec{Runtime: "python3.10", Env: map[string]string{"PYTHONPATH": "/code/lib"}}, poolPython, true},
		{"python with PYTHONHOME", sandbox.Spec{Runtime: "python3.10", Env: map[string]string{"PYTHONHOME": "/x"}}, poolPython, false},
		{"custom on the default port", sandbox.Spec{Runtime: "custom.debian12", Port: 9000, Env: map[string]string{"NODE_OPTIONS": "x"}}, poolCustom, true},
		{"custom on another port", sandbox.Spec{Runtime: "custom.debian12", Port: 8080}, poolCustom, false},
		{"wasm", sandbox.Spec{Runtime: "wasm.wasip1"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, ok := e.poolKind(&tt.spec)
			if kind != tt.wantKind || ok != tt.wantOK {
				t.Errorf("poolKind = %q, %v; want %q, %v", kind, ok, tt.wantKind, tt.wantOK)
			}
		})
	}
}
