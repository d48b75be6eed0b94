package scheduler

import (
	"maps"
	"math"
	"strings"
	"sync"
)

// limit names what bounds the instances a pool may start, beyond its own
// Config.MaxInstances.
type limit int

const (
	limitNone          limit = iota
	limitFunction            // the function's reservedConcurrency
	limitAccount             // Config.AccountInstanceQuota
	limitAccountMemory       // the account's memory quota (SetAccountMemoryQuota)
	limitMemory              // Config.NodeMemoryMB
)

func (l limit) String() string {
	switch l {
	case limitFunction:
		return "reservedConcurrency"
	case limitAccount:
		return "account instance quota"
	case limitAccountMemory:
		return "account memory quota"
	case limitMemory:
		return "node memory"
	}
	return "none"
}

// usage is what one instance of a pool holds while it lives: one instance of
// its account and of its function, and its memory.
type usage struct {
	account  string
	function string
	memoryMB int
}

func usageOf(t *Target) usage {
	account, _, _ := strings.Cut(t.Function, "/")
	return usage{account: account, function: t.Function, memoryMB: t.Spec.MemoryMB}
}

// ledger is what the node's instances hold, against its limits. Its zero
// value holds nothing and has no limit.
type ledger struct {
	memoryMB  int            // 0: unlimited
	quota     int            // per account; 0: unlimited
	quotas    map[string]int // per-account overrides of quota
	memQuotas map[string]int // per-account memory quotas in MB; absent: unlimited
	usedMB    int
	accounts  map[string]int
	accountMB map[string]int // memory held per account
	functions map[string]int
	reserved  map[string]int // function → reservedConcurrency
}

// headroom returns how many more instances holding u fit, and which limit
// binds first (limitNone when none does). Limits are checked function first,
// then account, then memory, so that the reported limit is the narrowest.
func (l *ledger) headroom(u usage) (int, limit) {
	n, by := math.MaxInt, limitNone
	if r, ok := l.reserved[u.function]; ok {
		n, by = r-l.functions[u.function], limitFunction
	}
	if q := l.quotaOf(u.account); q > 0 {
		if m := q - l.accounts[u.account]; m < n {
			n, by = m, limitAccount
		}
	}
	if q := l.memQuotas[u.account]; q > 0 && u.memoryMB > 0 {
		if m := (q - l.accountMB[u.account]) / u.memoryMB; m < n {
			n, by = m, limitAccountMemory
		}
	}
	if l.memoryMB > 0 && u.memoryMB > 0 {
		if m := (l.memoryMB - l.usedMB) / u.memoryMB; m < n {
			n, by = m, limitMemory
		}
	}
	return max(0, n), by
}

// quotaOf returns the account's instance quota.
func (l *ledger) quotaOf(account string) int {
	if q, ok := l.quotas[account]; ok {
		return q
	}
	return l.quota
}

// add records k more (or, negative, fewer) instances holding u.
func (l *ledger) add(u usage, k int) {
	if l.accounts == nil {
		l.accounts, l.functions = make(map[string]int), make(map[string]int)
	}
	if l.accountMB == nil {
		l.accountMB = make(map[string]int)
	}
	l.usedMB += k * u.memoryMB
	l.accountMB[u.account] += k * u.memoryMB
	if l.accountMB[u.account] == 0 {
		delete(l.accountMB, u.account)
	}
	l.accounts[u.account] += k
	l.functions[u.function] += k
	if l.accounts[u.account] == 0 {
		delete(l.accounts, u.account)
	}
	if l.functions[u.function] == 0 {
		delete(l.functions, u.function)
	}
}

// shortfall is how many instances a pool could not start, and why.
type shortfall struct {
	by limit
	n  int
}

// capacity is the node's ledger behind a lock, and the pools waiting for
// room in it. Its lock is a leaf: pools take it under their own.
type capacity struct {
	mu      sync.Mutex
	l       ledger
	blocked map[*pool]shortfall
}

func newCapacity(cfg Config) *capacity {
	return &capacity{l: ledger{memoryMB: cfg.NodeMemoryMB, quota: cfg.AccountInstanceQuota,
		reserved: make(map[string]int)}, blocked: make(map[*pool]shortfall)}
}

// reserve takes room for up to n instances holding u. It returns how many
// it took and, when fewer than n, the limit that bound.
func (c *capacity) reserve(u usage, n int) (int, limit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room, by := c.l.headroom(u)
	if room >= n {
		by = limitNone
	}
	got := min(n, room)
	c.l.add(u, got)
	return got, by
}

// release gives back the room of k instances holding u. It reports whether
// some pool waits for room.
func (c *capacity) release(u usage, k int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.l.add(u, -k)
	return len(c.blocked) > 0
}

// functionRoom returns how many more instances the function's
// reservedConcurrency allows (math.MaxInt without one) and the limit.
func (c *capacity) functionRoom(function string) (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.l.reserved[function]
	if !ok {
		return math.MaxInt, -1
	}
	return max(0, r-c.l.functions[function]), r
}

// overCap reports whether function holds more instances than its
// reservedConcurrency, and the cap: only after it was lowered below them.
func (c *capacity) overCap(function string) (reserved int, over bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.l.reserved[function]
	return r, ok && c.l.functions[function] > r
}

// setReserved sets (n >= 0) or clears (n < 0) a function's
// reservedConcurrency.
func (c *capacity) setReserved(function string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n < 0 {
		delete(c.l.reserved, function)
		return
	}
	c.l.reserved[function] = n
}

// setQuota sets (n > 0) or resets to the default (n <= 0) an account's
// instance quota.
func (c *capacity) setQuota(account string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.l.quotas == nil {
		c.l.quotas = make(map[string]int)
	}
	if n <= 0 {
		delete(c.l.quotas, account)
		return
	}
	c.l.quotas[account] = n
}

// quotaOf returns the account's instance quota.
func (c *capacity) quotaOf(account string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.l.quotaOf(account)
}

// setMemoryQuota sets (mb > 0) or removes (mb <= 0) an account's memory
// quota: the memory its live instances may hold on this node together.
func (c *capacity) setMemoryQuota(account string, mb int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.l.memQuotas == nil {
		c.l.memQuotas = make(map[string]int)
	}
	if mb <= 0 {
		delete(c.l.memQuotas, account)
		return
	}
	c.l.memQuotas[account] = mb
}

// block records that p is waiting for room; unblock that it no longer is.
func (c *capacity) block(p *pool, s shortfall) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blocked[p] = s
}

// stop forgets the pools waiting for room, at shutdown.
func (c *capacity) clearBlocked() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.blocked)
}

func (c *capacity) unblock(p *pool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.blocked, p)
}

// anyBlocked reports whether some pool waits for room.
func (c *capacity) anyBlocked() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.blocked) > 0
}

// snapshot returns the waiting pools and a copy of the ledger.
func (c *capacity) snapshot() (map[*pool]shortfall, ledger) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.l
	l.accounts, l.functions = maps.Clone(c.l.accounts), maps.Clone(c.l.functions)
	l.reserved, l.quotas = maps.Clone(c.l.reserved), maps.Clone(c.l.quotas)
	l.memQuotas, l.accountMB = maps.Clone(c.l.memQuotas), maps.Clone(c.l.accountMB)
	return maps.Clone(c.blocked), l
}
