package scheduler

import (
	"cmp"
	"slices"
	"time"
)

// This file holds the pure eviction decision: which idle instances to stop
// so that pools held back by the account quota or the node's memory can
// start theirs.

// need is a pool held back by a limit, as the eviction plan sees it.
type need struct {
	pool  *pool
	key   string
	usage usage
	short shortfall
}

// candidate is an idle on-demand instance that eviction may stop.
type candidate struct {
	pool     *pool
	inst     *instance
	key      string
	usage    usage
	lastUsed time.Time
}

// credit is the room that instances already stopping (draining with no
// request left) will give back: eviction does not repeat their work.
type credit struct {
	memoryMB  int
	accounts  map[string]int
	accountMB map[string]int
}

// evictionPlan is what planEvictions decides.
type evictionPlan struct {
	evict  []candidate
	refuse []need // held back by an account quota with nothing to evict
}

// planEvictions decides which idle instances to stop for the pools held
// back. For each need, in Key order: room already free and room being given
// back count first; then the least recently used idle on-demand instances
// of other Keys are evicted: any on the node for memory, the same account's
// for the account quota. A pool held back by the quota for which nothing is
// free, coming or evictable is refused, so that its waiters fail at once.
// Pools held back by their function's reservedConcurrency evict nothing:
// the function's own cap is not for other functions to pay.
func planEvictions(needs []need, cands []candidate, coming credit, l ledger) evictionPlan {
	slices.SortFunc(needs, func(a, b need) int { return cmp.Compare(a.key, b.key) })
	slices.SortFunc(cands, func(a, b candidate) int { return a.lastUsed.Compare(b.lastUsed) })
	pl := planner{cands: cands, used: make([]bool, len(cands)), coming: coming, l: l}
	if pl.coming.accounts == nil {
		pl.coming.accounts = map[string]int{}
	}
	if pl.coming.accountMB == nil {
		pl.coming.accountMB = map[string]int{}
	}
	if pl.l.accounts == nil {
		pl.l.accounts = map[string]int{}
	}
	if pl.l.accountMB == nil {
		pl.l.accountMB = map[string]int{}
	}
	for _, n := range needs {
		switch n.short.by {
		case limitMemory:
			pl.forMemory(n)
		case limitAccount:
			if !pl.forAccount(n) {
				pl.plan.refuse = append(pl.plan.refuse, n)
			}
		case limitAccountMemory:
			if !pl.forAccountMemory(n) {
				pl.plan.refuse = append(pl.plan.refuse, n)
			}
		}
	}
	return pl.plan
}

type planner struct {
	cands  []candidate
	used   []bool
	coming credit
	l      ledger
	plan   evictionPlan
}

// forMemory takes room for n on the node: free, coming, then evicted. It
// evicts only if that makes room for at least one instance of n: stopping
// other functions' idle instances for a need they cannot meet (a function
// bigger than what busy and provisioned instances leave, or than the node)
// is pure loss.
func (pl *planner) forMemory(n need) {
	each := n.usage.memoryMB
	want := n.short.n * each
	free := max(0, pl.l.memoryMB-pl.l.usedMB)
	fromFree := min(want, free)
	fromComing := min(want-fromFree, pl.coming.memoryMB)
	got := fromFree + fromComing
	mark := len(pl.plan.evict)
	for got < want {
		c, ok := pl.next(func(c candidate) bool { return c.key != n.key })
		if !ok {
			break
		}
		got += c.usage.memoryMB
	}
	if got < each {
		pl.unevict(mark)
		return
	}
	pl.l.usedMB += fromFree
	pl.coming.memoryMB -= fromComing
}

// forAccount reports whether any room is free, coming or evicted for n.
func (pl *planner) forAccount(n need) bool {
	a := n.usage.account
	want := n.short.n
	free := max(0, pl.l.quotaOf(a)-pl.l.accounts[a])
	got := min(want, free)
	pl.l.accounts[a] += got
	take := min(want-got, pl.coming.accounts[a])
	pl.coming.accounts[a] -= take
	got += take
	want -= got
	for want > 0 {
		if _, ok := pl.next(func(c candidate) bool { return c.usage.account == a && c.key != n.key }); !ok {
			break
		}
		want--
		got++
	}
	return got > 0
}

// forAccountMemory reports whether room for at least one instance is free,
// coming or evicted for n within its account's memory quota: the same
// account's idle instances of other Keys are evicted, least recently used
// first.
func (pl *planner) forAccountMemory(n need) bool {
	a, each := n.usage.account, n.usage.memoryMB
	want := n.short.n * each
	free := max(0, pl.l.memQuotas[a]-pl.l.accountMB[a])
	got := min(want, free)
	pl.l.accountMB[a] += got
	take := min(want-got, pl.coming.accountMB[a])
	pl.coming.accountMB[a] -= take
	got += take
	// Evict only if that makes room for at least one instance: stopping
	// idle instances that cannot is pure loss.
	mark := len(pl.plan.evict)
	for got < want {
		c, ok := pl.next(func(c candidate) bool { return c.usage.account == a && c.key != n.key })
		if !ok {
			break
		}
		got += c.usage.memoryMB
	}
	if got < each {
		pl.unevict(mark)
		return false
	}
	return true
}

// unevict takes back the evictions planned since mark.
func (pl *planner) unevict(mark int) {
	for _, c := range pl.plan.evict[mark:] {
		pl.used[slices.IndexFunc(pl.cands, func(x candidate) bool { return x.inst == c.inst })] = false
	}
	pl.plan.evict = pl.plan.evict[:mark]
}

// next takes the least recently used candidate that ok accepts.
func (pl *planner) next(ok func(candidate) bool) (candidate, bool) {
	for i, c := range pl.cands {
		if !pl.used[i] && ok(c) {
			pl.used[i] = true
			pl.plan.evict = append(pl.plan.evict, c)
			return c, true
		}
	}
	return candidate{}, false
}
