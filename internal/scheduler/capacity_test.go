package scheduler

import (
	"math"
	"slices"
	"testing"
)

func TestHeadroom(t *testing.T) {
	u := usage{account: "a", function: "a/f", memoryMB: 512}
	tests := []struct {
		name   string
		l      ledger
		want   int
		wantBy limit
	}{
		{"no limits", ledger{}, math.MaxInt, limitNone},
		{"memory", ledger{memoryMB: 2048, usedMB: 512}, 3, limitMemory},
		{"memory full", ledger{memoryMB: 2048, usedMB: 2000}, 0, limitMemory},
		{"account quota", ledger{quota: 5, accounts: map[string]int{"a": 3}}, 2, limitAccount},
		{"the account's own quota", ledger{quota: 5, quotas: map[string]int{"a": 1}}, 1, limitAccount},
		{"other accounts do not count", ledger{quota: 5, accounts: map[string]int{"b": 5}}, 5, limitAccount},
		{"reserved concurrency", ledger{quota: 100, reserved: map[string]int{"a/f": 4}, functions: map[string]int{"a/f": 1}}, 3, limitFunction},
		{"narrowest limit wins", ledger{quota: 2, memoryMB: 100000, reserved: map[string]int{"a/f": 10}}, 2, limitAccount},
		{"account memory quota", ledger{memoryMB: 100000, memQuotas: map[string]int{"a": 2048}, accountMB: map[string]int{"a": 512, "b": 4096}}, 3, limitAccountMemory},
		{"account memory quota below the node's room", ledger{memoryMB: 1024, memQuotas: map[string]int{"a": 4096}}, 2, limitMemory},
		{"tie goes to the function", ledger{quota: 2, reserved: map[string]int{"a/f": 2}}, 2, limitFunction},
		{"over a lowered cap", ledger{reserved: map[string]int{"a/f": 1}, functions: map[string]int{"a/f": 3}}, 0, limitFunction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, by := tt.l.headroom(u)
			if got != tt.want || by != tt.wantBy {
				t.Errorf("got %d by %v, want %d by %v", got, by, tt.want, tt.wantBy)
			}
		})
	}
}

func TestCapacityReserveRelease(t *testing.T) {
	c := newCapacity(Config{AccountInstanceQuota: 3, NodeMemoryMB: 10000})
	u := usage{account: "a", function: "a/f", memoryMB: 128}
	if got, by := c.reserve(u, 2); got != 2 || by != limitNone {
		t.Errorf("reserve 2: got %d by %v, want 2 by none", got, by)
	}
	if got, by := c.reserve(u, 2); got != 1 || by != limitAccount {
		t.Errorf("reserve 2 more: got %d by %v, want 1 by the account quota", got, by)
	}
	c.release(u, 3)
	if _, l := c.snapshot(); l.usedMB != 0 || len(l.accounts) != 0 || len(l.functions) != 0 || len(l.accountMB) != 0 {
		t.Errorf("after releasing all: got %+v, want an empty ledger", l)
	}
}

func TestPlanEvictions(t *testing.T) {
	p1, p2, p3 := &pool{}, &pool{}, &pool{}
	cand := func(id, key, account string, mem, lastUsed int) candidate {
		return candidate{inst: &instance{id: id}, key: key, lastUsed: at(lastUsed),
			usage: usage{account: account, function: account + "/" + key, memoryMB: mem}}
	}
	memNeed := func(p *pool, key string, n, mem int) need {
		return need{pool: p, key: key, usage: usage{account: "a", memoryMB: mem}, short: shortfall{limitMemory, n}}
	}
	quotaNeed := func(p *pool, key, account string, n int) need {
		return need{pool: p, key: key, usage: usage{account: account, memoryMB: 128}, short: shortfall{limitAccount, n}}
	}
	memQuotaNeed := func(p *pool, key string, n, mem int) need {
		return need{pool: p, key: key, usage: usage{account: "a", memoryMB: mem}, short: shortfall{limitAccountMemory, n}}
	}
	full := ledger{memoryMB: 1024, usedMB: 1024, quota: 2, accounts: map[string]int{"a": 2, "b": 2}}
	// Account a holds 512 MB of its 512 MB memory quota; the node has room.
	memFull := ledger{memoryMB: 4096, usedMB: 1024, memQuotas: map[string]int{"a": 512}, accountMB: map[string]int{"a": 512, "b": 512}}
	tests := []struct {
		name       string
		needs      []need
		cands      []candidate
		coming     credit
		l          ledger
		wantEvict  []string
		wantRefuse []*pool
	}{
		{"memory: least recently used of other Keys first", []need{memNeed(p1, "k1", 1, 512)},
			[]candidate{cand("new", "k2", "b", 512, 9), cand("old", "k3", "b", 512, 1), cand("own", "k1", "a", 512, 0)},
			credit{}, full, []string{"old"}, nil},
		{"memory: as many as the need", []need{memNeed(p1, "k1", 1, 1024)},
			[]candidate{cand("x", "k2", "b", 512, 1), cand("y", "k3", "b", 512, 2), cand("z", "k3", "b", 512, 3)},
			credit{}, full, []string{"x", "y"}, nil},
		{"memory: stopping instances count first", []need{memNeed(p1, "k1", 1, 512)},
			[]candidate{cand("x", "k2", "b", 512, 1)}, credit{memoryMB: 512}, full, nil, nil},
		{"memory: free room counts first", []need{memNeed(p1, "k1", 1, 512)},
			[]candidate{cand("x", "k2", "b", 512, 1)}, credit{}, ledger{memoryMB: 1024, usedMB: 512}, nil, nil},
		{"memory: nothing to evict waits", []need{memNeed(p1, "k1", 1, 512)}, nil, credit{}, full, nil, nil},
		{"memory: two needs share candidates", []need{memNeed(p2, "k2", 1, 512), memNeed(p1, "k1", 1, 512)},
			[]candidate{cand("x", "k3", "b", 512, 1), cand("y", "k3", "b", 512, 2)}, credit{}, full, []string{"x", "y"}, nil},
		{"memory: too little to evict for one instance evicts nothing", []need{memNeed(p1, "k1", 1, 2048)},
			[]candidate{cand("x", "k2", "b", 512, 1), cand("y", "k3", "b", 512, 2)}, credit{}, full, nil, nil},
		{"memory: free room and evictions together", []need{memNeed(p1, "k1", 1, 1024)},
			[]candidate{cand("x", "k2", "b", 512, 1), cand("y", "k3", "b", 512, 2)}, credit{},
			ledger{memoryMB: 1024, usedMB: 512}, []string{"x"}, nil},
		{"quota: same account only", []need{quotaNeed(p1, "k1", "a", 1)},
			[]candidate{cand("other", "k2", "b", 128, 0), cand("mine", "k3", "a", 128, 5)}, credit{}, full, []string{"mine"}, nil},
		{"quota: nothing to evict refuses", []need{quotaNeed(p1, "k1", "a", 1)},
			[]candidate{cand("other", "k2", "b", 128, 0), cand("own", "k1", "a", 128, 0)}, credit{}, full, nil, []*pool{p1}},
		{"quota: a stopping instance of the account is enough", []need{quotaNeed(p1, "k1", "a", 1)},
			nil, credit{accounts: map[string]int{"a": 1}}, full, nil, nil},
		{"memory quota: same account only, enough for the need", []need{memQuotaNeed(p1, "k1", 1, 256)},
			[]candidate{cand("other", "k2", "b", 512, 0), cand("mine", "k3", "a", 256, 3), cand("mine2", "k4", "a", 256, 4)},
			credit{}, memFull, []string{"mine"}, nil},
		{"memory quota: nothing to evict refuses", []need{memQuotaNeed(p1, "k1", 1, 256)},
			[]candidate{cand("other", "k2", "b", 512, 0), cand("own", "k1", "a", 256, 0)}, credit{}, memFull, nil, []*pool{p1}},
		{"memory quota: memory given back by the account counts first", []need{memQuotaNeed(p1, "k1", 1, 256)},
			[]candidate{cand("mine", "k3", "a", 256, 3)}, credit{accountMB: map[string]int{"a": 256}}, memFull, nil, nil},
		{"memory quota: too little to evict refuses and evicts nothing", []need{memQuotaNeed(p1, "k1", 1, 512)},
			[]candidate{cand("small", "k3", "a", 128, 3)}, credit{}, memFull, nil, []*pool{p1}},
		{"reservedConcurrency evicts nothing", []need{{pool: p3, key: "k1", usage: usage{account: "a"}, short: shortfall{limitFunction, 1}}},
			[]candidate{cand("x", "k2", "a", 128, 0)}, credit{}, full, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := planEvictions(tt.needs, tt.cands, tt.coming, tt.l)
			var got []string
			for _, c := range plan.evict {
				got = append(got, c.inst.id)
			}
			if !slices.Equal(got, tt.wantEvict) {
				t.Errorf("evicted %v, want %v", got, tt.wantEvict)
			}
			var refused []*pool
			for _, n := range plan.refuse {
				refused = append(refused, n.pool)
			}
			if !slices.Equal(refused, tt.wantRefuse) {
				t.Errorf("refused %v, want %v", refused, tt.wantRefuse)
			}
		})
	}
}

func TestStartPlan(t *testing.T) {
	tests := []struct {
		name                    string
		d                       demand
		deficit, max, usable    int
		starting                int // maxStarting
		wantProv, wantOD, spare int
	}{
		{"provisioned only", demand{slots: 1}, 3, 10, 1, 100, 3, 0, 0},
		{"provisioned starts serve the queue", demand{queued: 2, slots: 1}, 3, 10, 1, 100, 3, 0, 0},
		{"overflow on demand", demand{queued: 5, slots: 1}, 2, 10, 1, 100, 2, 3, 0},
		{"bounded by max instances", demand{queued: 5, slots: 1}, 8, 6, 1, 100, 6, 0, 0},
		{"nothing to do", demand{ready: 2, inflight: 1, slots: 1}, 0, 10, 1, 100, 0, 0, 0},
		{"provisioned slots are filled before headroom", demand{queued: 20, slots: 10}, 2, 10, 7, 100, 2, 0, 0},
		{"beyond provisioned: one on demand, no spare while they start", demand{queued: 28, slots: 10}, 2, 10, 7, 100, 2, 1, 0},
		{"cold: on demand for the queue, no spare while they start", demand{queued: 15, slots: 10}, 0, 10, 7, 100, 0, 2, 0},
		{"headroom: a spare when nothing starts", demand{inflight: 8, ready: 1, slots: 10}, 0, 10, 7, 100, 0, 0, 1},
		{"headroom: one spare at a time", demand{inflight: 30, ready: 3, slots: 10}, 0, 10, 7, 100, 0, 0, 1},
		{"headroom: none while one starts", demand{inflight: 30, ready: 3, starting: 1, slots: 10}, 0, 10, 7, 100, 0, 0, 0},
		{"headroom: provisioned slots first, then a spare", demand{inflight: 28, ready: 3, provisioned: 2, slots: 10}, 0, 10, 7, 100, 0, 0, 1},
		{"spares within max instances", demand{inflight: 8, ready: 1, slots: 10}, 0, 1, 7, 100, 0, 0, 0},
		{"starts capped: provisioned first", demand{queued: 50, slots: 10}, 3, 100, 7, 4, 3, 1, 0},
		{"starts capped: starting ones count", demand{queued: 50, starting: 3, slots: 10}, 0, 100, 7, 4, 0, 1, 0},
		{"starts capped: spares last", demand{inflight: 8, ready: 1, slots: 10}, 0, 100, 7, 0, 0, 0, 0},
		{"starts capped: none while the cap is full", demand{queued: 50, starting: 4, slots: 10}, 0, 100, 7, 4, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prov, od, spare := startPlan(tt.d, tt.deficit, tt.max, tt.usable, tt.starting)
			if prov != tt.wantProv || od != tt.wantOD || spare != tt.spare {
				t.Errorf("got %d provisioned, %d on demand and %d spare, want %d, %d and %d",
					prov, od, spare, tt.wantProv, tt.wantOD, tt.spare)
			}
		})
	}
}

func TestBeyondCap(t *testing.T) {
	tests := []struct {
		name string
		d    demand
		room int
		want bool
	}{
		{"no instance, room for one", demand{slots: 1}, 1, false},
		{"no instance, no room", demand{slots: 1}, 0, true},
		{"all busy at the cap", demand{ready: 2, inflight: 2, slots: 1}, 0, true},
		{"a starting instance will take it", demand{starting: 1, slots: 1}, 0, false},
		{"queue already fills what starts", demand{starting: 1, queued: 1, slots: 1}, 0, true},
		{"slots to spare on a starting instance", demand{starting: 1, queued: 2, slots: 4}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := beyondCap(tt.d, tt.room); got != tt.want {
				t.Errorf("beyondCap(%+v, %d): got %v, want %v", tt.d, tt.room, got, tt.want)
			}
		})
	}
}
