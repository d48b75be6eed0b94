package process

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// Kinds of pre-warmed sandboxes: one pool each.
const (
	poolNode   = "nodejs"
	poolPython = "python"
	poolCustom = "custom"
)

// poolRetry is how long a pool waits after a sandbox failed to boot.
const poolRetry = time.Second

// pool keeps pre-warmed sandboxes of each kind ready for Engine.Start. One
// goroutine (run) boots them, one at a time, so refilling never takes more
// than one core from the instances that run; a claim only takes a sandbox
// out under the lock and wakes it.
//
// A pool's target is max(its minimum, the cold starts of its kind in the
// last DemandWindow), at most Max. A sandbox is booted only while the
// memory of all ready and booting sandboxes, as measured once each booted,
// stays within MemoryMB. A sandbox leaves the pool only to be claimed (and
// then serves one function until it stops) or to be stopped by Close.
type pool struct {
	e      *Engine
	cfg    Prewarm
	budget int64 // bytes

	wake chan struct{} // buffered 1: a claim or a finished boot
	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	kinds  map[string]*kindPool
	memory int64 // of the ready and booting sandboxes
	closed bool
}

// kindPool is the state of one kind's pool.
type kindPool struct {
	name     string
	runtime  string // the runtime its sandboxes boot
	min      int
	ready    []*Instance
	booting  int
	demand   []time.Time // cold starts within the window, oldest first
	estimate int64       // bytes one sandbox holds: the last one measured
	failedAt time.Time   // the last failed boot
	hits     uint64
	misses   uint64
}

// PoolStats describes one pool of pre-warmed sandboxes.
type PoolStats struct {
	Kind        string // "nodejs", "python" or "custom"
	Ready       int    // sandboxes waiting for a function
	Booting     int
	Target      int    // what the pool is being filled to
	Hits        uint64 // cold starts that took a pre-warmed sandbox
	Misses      uint64 // cold starts of this kind that found none or could not use one
	MemoryBytes int64  // held by the ready sandboxes
}

// initialEstimate is what a sandbox is assumed to hold before one of its
// kind was measured.
var initialEstimate = map[string]int64{poolNode: 48 << 20, poolPython: 16 << 20, poolCustom: 1 << 20}

// newPool makes the pools of the kinds this engine can pre-warm and starts
// filling them.
func newPool(e *Engine, cfg Prewarm) *pool {
	p := &pool{e: e, cfg: cfg, budget: int64(cfg.MemoryMB) << 20, kinds: map[string]*kindPool{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	add := func(name string, kind fc.Kind, min int) {
		for _, rt := range e.runtimes {
			if fc.RuntimeKind(rt) == kind {
				p.kinds[name] = &kindPool{name: name, runtime: rt, min: min, estimate: initialEstimate[name]}
				return
			}
		}
	}
	add(poolNode, fc.KindNode, cfg.Node)
	add(poolPython, fc.KindPython, cfg.Python)
	if e.iso != nil { // without the sandbox there is nothing to make ahead for custom runtimes
		add(poolCustom, fc.KindCustom, cfg.Custom)
	}
	go p.run()
	return p
}

// run boots sandboxes while a pool is short, then sleeps until a claim, a
// tick (demand ages out, failures are retried) or Close.
func (p *pool) run() {
	defer close(p.done)
	tick := time.NewTicker(poolRetry)
	defer tick.Stop()
	for {
		for p.fillOne() {
		}
		select {
		case <-p.stop:
			return
		case <-p.wake:
		case <-tick.C:
		}
	}
}

// fillOne boots one sandbox for the pool that lacks the most, if any may
// be booted; it says whether it tried.
func (p *pool) fillOne() bool {
	kp, reserve := p.next(time.Now())
	if kp == nil {
		return false
	}
	inst, err := p.e.prewarm(kp.runtime)
	var held int64
	if err == nil {
		held = inst.heldMemory()
	}
	p.mu.Lock()
	kp.booting--
	p.memory -= reserve
	closed := p.closed
	switch {
	case err != nil:
		kp.failedAt = time.Now()
	case !closed:
		inst.pooled.bytes = held
		kp.estimate = max(held, 1<<20)
		kp.ready = append(kp.ready, inst)
		p.memory += held
	}
	p.mu.Unlock()
	if err != nil {
		p.e.log.Warn("pre-warm a sandbox", "kind", kp.name, "err", err)
	}
	if err == nil && closed {
		inst.abort()
	}
	return !closed && err == nil
}

// next picks the pool to boot a sandbox for and reserves its estimated
// memory, or returns nil.
func (p *pool) next(now time.Time) (*kindPool, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var best *kindPool
	bestDeficit := 0
	for _, kp := range p.sorted() {
		kp.age(now, p.cfg.DemandWindow)
		deficit := p.target(kp) - len(kp.ready) - kp.booting
		if deficit > bestDeficit && now.Sub(kp.failedAt) >= poolRetry && p.memory+kp.estimate <= p.budget {
			best, bestDeficit = kp, deficit
		}
	}
	if best == nil || p.closed {
		return nil, 0
	}
	best.booting++
	p.memory += best.estimate
	return best, best.estimate
}

// sorted returns the pools in a fixed order.
func (p *pool) sorted() []*kindPool {
	out := make([]*kindPool, 0, len(p.kinds))
	for _, name := range []string{poolNode, poolPython, poolCustom} {
		if kp := p.kinds[name]; kp != nil {
			out = append(out, kp)
		}
	}
	return out
}

// target is how many sandboxes kp should hold.
func (p *pool) target(kp *kindPool) int {
	return min(max(kp.min, len(kp.demand)), p.cfg.Max)
}

// age drops the demand older than window.
func (kp *kindPool) age(now time.Time, window time.Duration) {
	i := 0
	for i < len(kp.demand) && now.Sub(kp.demand[i]) > window {
		i++
	}
	kp.demand = kp.demand[i:]
}

// take records a cold start of kind and returns a ready sandbox of that
// kind, or nil (a miss). The caller owns what it gets.
func (p *pool) take(kind string, usable bool) *Instance {
	p.mu.Lock()
	kp := p.kinds[kind]
	if kp == nil {
		p.mu.Unlock()
		return nil
	}
	if usable {
		kp.demand = append(kp.demand, time.Now())
	}
	var got *Instance
	var dead []*Instance
	for usable && len(kp.ready) > 0 && got == nil {
		inst := kp.ready[0]
		kp.ready = kp.ready[1:]
		p.memory -= inst.pooled.bytes
		if inst.hasExited() {
			dead = append(dead, inst)
			continue
		}
		got = inst
	}
	if got != nil {
		kp.hits++
	} else {
		kp.misses++
	}
	p.mu.Unlock()
	if got == nil { // a hit's claimant pokes once claimed: the refill would compete with it
		p.poke()
	}
	for _, inst := range dead {
		inst.abort()
	}
	return got
}

// poke wakes the filler without blocking.
func (p *pool) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// stats describes every pool.
func (p *pool) stats() []PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []PoolStats
	for _, kp := range p.sorted() {
		s := PoolStats{Kind: kp.name, Ready: len(kp.ready), Booting: kp.booting, Target: p.target(kp),
			Hits: kp.hits, Misses: kp.misses}
		for _, inst := range kp.ready {
			s.MemoryBytes += inst.pooled.bytes
		}
		out = append(out, s)
	}
	return out
}

// close stops the filler and stops every ready sandbox. Idempotent.
func (p *pool) close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.done
		return nil
	}
	p.closed = true
	var all []*Instance
	for _, kp := range p.kinds {
		all = append(all, kp.ready...)
		kp.ready = nil
	}
	p.memory = 0
	p.mu.Unlock()
	close(p.stop)
	<-p.done // a boot under way finishes and is stopped by fillOne
	var wg sync.WaitGroup
	errs := make([]error, len(all))
	for i, inst := range all {
		wg.Go(func() { errs[i] = inst.Stop(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
