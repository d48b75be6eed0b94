package scheduler

import (
	"testing"
	"time"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func TestPickInstance(t *testing.T) {
	ready := func(id string, busy, lastUsed int) *instance {
		return &instance{id: id, state: StateReady, busy: busy, lastUsed: at(lastUsed)}
	}
	inState := func(id string, s State) *instance {
		return &instance{id: id, state: s, lastUsed: at(100)}
	}
	tests := []struct {
		name  string
		insts []*instance
		slots int
		want  string // "" for none
	}{
		{"no instances", nil, 1, ""},
		{"one idle", []*instance{ready("a", 0, 1)}, 1, "a"},
		{"most recently used idle wins", []*instance{ready("a", 0, 1), ready("b", 0, 3), ready("c", 0, 2)}, 1, "b"},
		{"full instances are skipped", []*instance{ready("a", 1, 5), ready("b", 0, 1)}, 1, "b"},
		{"all full", []*instance{ready("a", 1, 5), ready("b", 1, 1)}, 1, ""},
		{"packs onto the busy most recent one", []*instance{ready("a", 3, 5), ready("b", 0, 1)}, 4, "a"},
		{"provisioned before a more recent on-demand", []*instance{ready("od", 0, 9),
			{id: "p", state: StateReady, kind: KindProvisioned, lastUsed: at(1)}}, 1, "p"},
		{"full provisioned overflows on demand", []*instance{ready("od", 0, 1),
			{id: "p", state: StateReady, kind: KindProvisioned, busy: 1, lastUsed: at(9)}}, 1, "od"},
		{"starting draining stopped failed are skipped", []*instance{
			inState("s", StateStarting), inState("d", StateDraining), inState("x", StateStopped),
			inState("f", StateFailed), ready("a", 0, 1)}, 1, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if in := pickInstance(tt.insts, tt.slots); in != nil {
				got = in.id
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInstancesToStart(t *testing.T) {
	tests := []struct {
		name string
		d    demand
		max  int
		want int
	}{
		{"idle", demand{slots: 1}, 10, 0},
		{"cold, one request", demand{queued: 1, slots: 1}, 10, 1},
		{"cold, five requests, concurrency 1", demand{queued: 5, slots: 1}, 10, 5},
		{"cold, five requests, concurrency 4", demand{queued: 5, slots: 4}, 10, 2},
		{"starting instances count", demand{queued: 5, starting: 3, slots: 1}, 10, 2},
		{"busy ready instances count", demand{inflight: 2, ready: 2, queued: 1, slots: 1}, 10, 1},
		{"free slots on ready instances absorb the queue", demand{inflight: 1, ready: 1, queued: 3, slots: 4}, 10, 0},
		{"capped by max instances", demand{queued: 50, slots: 1}, 10, 10},
		{"draining instances count against the cap", demand{queued: 5, draining: 8, slots: 1}, 10, 2},
		{"at the cap", demand{inflight: 10, ready: 10, queued: 5, slots: 1}, 10, 0},
		{"over-provisioned", demand{inflight: 1, ready: 3, slots: 1}, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := instancesToStart(tt.d, tt.max); got != tt.want {
				t.Errorf("instancesToStart(%+v, %d): got %d, want %d", tt.d, tt.max, got, tt.want)
			}
		})
	}
}

func TestFailedStartRefusals(t *testing.T) {
	tests := []struct {
		name string
		d    demand
		want int
	}{
		{"the last start failed: every waiter", demand{queued: 5, slots: 1}, 5},
		{"others still start: the failed one's share", demand{queued: 47, starting: 3, slots: 1}, 1},
		{"others still start, several slots each", demand{queued: 47, starting: 3, slots: 4}, 4},
		{"the starting instances cover everyone", demand{queued: 3, starting: 3, slots: 1}, 0},
		{"a ready instance serves everyone in time", demand{ready: 1, queued: 9, slots: 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failedStartRefusals(tt.d); got != tt.want {
				t.Errorf("failedStartRefusals(%+v): got %d, want %d", tt.d, got, tt.want)
			}
		})
	}
}

func TestUnservable(t *testing.T) {
	tests := []struct {
		name string
		d    demand
		want int
	}{
		{"nothing queued", demand{slots: 1}, 0},
		{"a ready instance serves everyone in time", demand{ready: 1, inflight: 1, queued: 9, slots: 1}, 0},
		{"no instance at all", demand{queued: 3, slots: 1}, 3},
		{"starting instances serve the first", demand{queued: 5, starting: 2, slots: 1}, 3},
		{"starting instances with slots to spare", demand{queued: 5, starting: 2, slots: 4}, 0},
		{"draining instances serve no one", demand{queued: 2, draining: 3, slots: 1}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unservable(tt.d); got != tt.want {
				t.Errorf("unservable(%+v): got %d, want %d", tt.d, got, tt.want)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {6, 32 * time.Second},
		{7, time.Minute}, {100, time.Minute},
	}
	for _, tt := range tests {
		if got := backoffDelay(tt.failures); got != tt.want {
			t.Errorf("backoffDelay(%d): got %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	var b backoff
	if b.active(at(0)) {
		t.Fatalf("zero backoff is active, want inactive")
	}
	b.fail(at(0), errTest)
	b.fail(at(10), errTest)
	tests := []struct {
		now  time.Time
		want bool
	}{{at(10), true}, {at(11), true}, {at(12), false}, {at(100), false}}
	for _, tt := range tests {
		if got := b.active(tt.now); got != tt.want {
			t.Errorf("after failures at 0s and 10s, active(%v): got %v, want %v", tt.now.Sub(t0), got, tt.want)
		}
	}
}

func TestExpired(t *testing.T) {
	policy := FixedKeepAlive(5 * time.Minute)
	idle := InstanceView{State: StateReady, LastUsed: at(0), Concurrency: 1}
	busy := idle
	busy.Busy = 1
	starting := idle
	starting.State = StateStarting
	provisioned := idle
	provisioned.Kind = KindProvisioned
	tests := []struct {
		name   string
		now    time.Time
		inst   InstanceView
		policy KeepAlivePolicy
		want   bool
	}{
		{"idle, within keep-alive", at(299), idle, policy, false},
		{"idle, keep-alive reached", at(300), idle, policy, true},
		{"idle, long past", at(10000), idle, policy, true},
		{"busy is never reclaimed", at(10000), busy, policy, false},
		{"starting is never reclaimed", at(10000), starting, policy, false},
		{"zero reclaim time keeps forever", at(10000), idle, keepForever{}, false},
		{"provisioned is never reclaimed", at(10000), provisioned, policy, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := expired(tt.now, tt.inst, tt.policy); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

type keepForever struct{}

func (keepForever) ReclaimAt(InstanceView) time.Time { return time.Time{} }

func TestTokenBucket(t *testing.T) {
	type step struct {
		now      time.Time
		n        int
		wantGot  int
		wantNext time.Time
	}
	tests := []struct {
		name  string
		rate  float64
		burst int
		steps []step
	}{
		{"burst then refill", 1, 3, []step{
			{at(0), 2, 2, time.Time{}},
			{at(0), 2, 1, at(1)},
			{at(1), 1, 1, time.Time{}},
			{at(1), 1, 0, at(2)},
			{at(10), 5, 3, at(11)}, // refill stops at burst
		}},
		{"fractional rate", 0.5, 1, []step{
			{at(0), 1, 1, time.Time{}},
			{at(1), 1, 0, at(2)},
			{at(2), 1, 1, time.Time{}},
		}},
		{"fast rate", 100, 1, []step{
			{at(0), 2, 1, t0.Add(10 * time.Millisecond)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTokenBucket(tt.rate, tt.burst)
			for i, s := range tt.steps {
				got, next := b.take(s.now, s.n)
				if got != s.wantGot || !next.Equal(s.wantNext) {
					t.Errorf("step %d: take(%v, %d): got %d, next %v; want %d, next %v",
						i, s.now.Sub(t0), s.n, got, next.Sub(t0), s.wantGot, s.wantNext.Sub(t0))
				}
			}
		})
	}
}

func TestUsableSlots(t *testing.T) {
	tests := []struct {
		slots int
		u     float64
		want  int
	}{
		{10, 0.7, 7}, {20, 0.7, 14}, {3, 0.7, 2}, {200, 0.7, 140},
		{1, 0.7, 1},              // concurrency 1: no headroom
		{2, 0.4, 1},              // at least one slot
		{10, 1, 10}, {10, 0, 10}, // 1, or unset: all slots
	}
	for _, tt := range tests {
		if got := usableSlots(tt.slots, tt.u); got != tt.want {
			t.Errorf("usableSlots(%d, %v): got %d, want %d", tt.slots, tt.u, got, tt.want)
		}
	}
}

func TestSpareInstances(t *testing.T) {
	tests := []struct {
		name   string
		d      demand
		max    int
		usable int
		want   int
	}{
		{"idle pool keeps no spare", demand{ready: 1, slots: 10}, 10, 7, 0},
		{"no demand, no instance", demand{slots: 10}, 10, 7, 0},
		{"within the usable slots", demand{ready: 1, inflight: 7, slots: 10}, 10, 7, 0},
		{"the eighth request starts a second instance", demand{ready: 1, inflight: 8, slots: 10}, 10, 7, 1},
		{"a starting instance counts", demand{ready: 1, starting: 1, inflight: 8, slots: 10}, 10, 7, 0},
		{"queued requests count", demand{ready: 1, inflight: 10, queued: 5, slots: 10}, 10, 7, 2},
		{"doubling: 64 in flight on 5 instances", demand{ready: 5, inflight: 40, queued: 24, slots: 10}, 100, 7, 5},
		{"within max instances", demand{ready: 5, inflight: 40, queued: 24, slots: 10}, 7, 7, 2},
		{"draining instances count against max", demand{ready: 5, draining: 2, inflight: 40, slots: 10}, 7, 7, 0},
		{"utilisation 1: none beyond demand", demand{ready: 1, inflight: 10, slots: 10}, 10, 10, 0},
		{"concurrency 1: one instance per request", demand{ready: 3, inflight: 3, queued: 1, slots: 1}, 10, 1, 1},
		{"provisioned slots are filled to the last", demand{ready: 2, provisioned: 2, inflight: 20, slots: 10}, 10, 7, 0},
		{"beyond provisioned, headroom on demand", demand{ready: 2, provisioned: 2, inflight: 20, queued: 8, slots: 10}, 10, 7, 2},
		{"provisioned plus on demand", demand{ready: 3, provisioned: 2, inflight: 27, slots: 10}, 10, 7, 0},
		{"provisioned plus busy on demand", demand{ready: 3, provisioned: 2, inflight: 28, slots: 10}, 10, 7, 1},
		{"over-provisioned", demand{ready: 4, inflight: 1, slots: 10}, 10, 7, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spareInstances(tt.d, tt.max, tt.usable); got != tt.want {
				t.Errorf("spareInstances(%+v, %d, %d): got %d, want %d", tt.d, tt.max, tt.usable, got, tt.want)
			}
		})
	}
}
