package scheduler

import (
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// scaleLocked brings the pool towards what it needs: its provisioned target
// first, then instances for its in-flight and queued demand (see startPlan).
// Starts wait while the pool backs off after failures, and are bounded by
// the node's capacity (see capacity) and its creation rate; when held back,
// the pool arms its timer or waits in the capacity's blocked set.
func (p *pool) scaleLocked(now time.Time) {
	if p.s.shuttingDown() {
		return
	}
	deficit := p.fitProvisionedLocked(now)
	prov, onDemand := startPlan(p.demandLocked(), deficit, p.s.cfg.MaxInstances)
	want := prov + onDemand
	if want == 0 {
		p.limitedLocked(limitNone, 0, false)
		return
	}
	if p.backoff.active(now) {
		p.wakeAtLocked(p.backoff.until, now)
		return
	}
	n, by := p.s.capacity.reserve(p.usage, want)
	got, next := p.s.limiter.take(now, n)
	if got < n {
		if p.s.capacity.release(p.usage, n-got) {
			p.s.rebalanceSoon()
		}
		p.wakeAtLocked(next, now)
	}
	for i := range got {
		kind := KindOnDemand
		if i < prov {
			kind = KindProvisioned
		}
		p.startLocked(kind, now)
	}
	p.limitedLocked(by, want-n, n < prov)
}

// limitedLocked records what held back the scale-up just done. A pool held
// back waits in the capacity's blocked set until room frees; held back by
// its function's reservedConcurrency, the requests no instance will serve
// fail at once (admission refuses most before they queue). Held back by the
// account quota or node memory, the scheduler tries eviction (rebalance).
func (p *pool) limitedLocked(by limit, short int, provisionedHeld bool) {
	p.limitedBy = by
	if by == limitNone {
		p.s.capacity.unblock(p)
		return
	}
	p.s.capacity.block(p, shortfall{by: by, n: short})
	if provisionedHeld {
		p.provErr = "provisioned instances held back by the " + by.String()
	}
	if by == limitFunction {
		_, reserved := p.s.capacity.functionRoom(p.target.Function)
		p.refuseUnservableLocked(reservedExceeded(p.target.Function, reserved))
		return
	}
	if !p.rebalancing {
		p.s.rebalanceSoon()
	}
}

// refuseUnservableLocked fails, newest first, the waiters that no instance
// ready or starting will serve.
func (p *pool) refuseUnservableLocked(err error) {
	for range unservable(p.demandLocked()) {
		p.queue.popBack().fail(err)
	}
}

// startLocked adds a starting instance and the goroutine that owns it. The
// caller has reserved its capacity.
func (p *pool) startLocked(kind Kind, now time.Time) {
	in := newInstance(p.s.newInstanceID(), kind, now)
	p.instances = append(p.instances, in)
	p.s.metrics.decision(p.target.Function, startDecision(kind))
	if !p.s.group.Go(func() { p.s.run(p, in) }) {
		p.removeLocked(in)
	}
}

// started makes in ready and gives it to the queue.
func (p *pool) started(in *instance, sb sandbox.Instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	in.sb = sb
	in.state = StateReady
	in.lastUsed = now
	p.backoff = backoff{}
	p.s.metrics.coldStart(p.target.Function, in.kind, now.Sub(in.created))
	p.serveQueueLocked(in, now)
	p.settleLocked(in, now)
}

// startFailed drops in, starts the backoff and fails the waiters that no
// remaining instance could serve, newest first: the instances still coming
// serve the oldest.
func (p *pool) startFailed(in *instance, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in.state = StateFailed
	p.removeLocked(in)
	if p.s.shuttingDown() {
		return
	}
	now := time.Now()
	p.s.metrics.startFailed(p.target.Function)
	p.backoff.fail(now, err)
	if in.kind == KindProvisioned {
		p.provErr = err.Error()
	}
	p.refuseUnservableLocked(startError(p.target.Function, in.id, err))
	p.scaleLocked(now)
}

// lost marks an instance whose sandbox exited on its own.
func (p *pool) lost(in *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in.state = StateFailed
}

// stopped forgets an instance that has been stopped; its place may go to a
// new one.
func (p *pool) stopped(in *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if in.state != StateFailed {
		in.state = StateStopped
	}
	p.removeLocked(in)
	p.scaleLocked(time.Now())
}

// rescale re-applies the scale decision for the rebalancer, which calls it
// when room may have freed for a pool that was held back. It does not wake
// the rebalancer again if the pool is still held back.
func (p *pool) rescale() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rebalancing = true
	p.scaleLocked(time.Now())
	p.rebalancing = false
}
