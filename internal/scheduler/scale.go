package scheduler

import (
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// scaleLocked brings the pool towards what it needs: its provisioned target
// first, then instances for its in-flight and queued demand, then spare
// instances for headroom (see startPlan). Starts wait while the pool backs
// off after failures, and are bounded by the node's capacity (see capacity)
// and its creation rate; when held back, the pool arms its timer or waits in
// the capacity's blocked set. Spare starts take only the room and creation
// tokens there are: they never wait, block the pool or evict.
func (p *pool) scaleLocked(now time.Time) {
	if p.s.shuttingDown() {
		return
	}
	deficit := p.fitProvisionedLocked(now)
	prov, onDemand, spare := startPlan(p.scaleDemandLocked(), deficit, p.s.cfg.MaxInstances, p.usable(),
		p.s.cfg.MaxStarting)
	want := prov + onDemand
	if want == 0 {
		p.limitedLocked(limitNone, 0, false)
		p.startSparesLocked(spare, now)
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
	if got == want {
		p.startSparesLocked(spare, now)
	}
}

// usable is how many slots of each instance demand may fill before the pool
// starts a spare (Config.TargetUtilization).
func (p *pool) usable() int {
	return usableSlots(p.slots, p.s.cfg.TargetUtilization)
}

// scaleDemandLocked is demandLocked with the provisioned instances ready or
// starting counted apart, for the spare decision.
func (p *pool) scaleDemandLocked() demand {
	d := p.demandLocked()
	for _, in := range p.instances {
		if in.kind == KindProvisioned && (in.state == StateReady || in.state == StateStarting) {
			d.provisioned++
		}
	}
	return d
}

// headroomLocked starts spare instances when the requests in flight and
// queued exceed the usable slots of the instances ready or starting. The
// request path calls it after taking a free slot, so that the pool grows
// before a request has to queue.
func (p *pool) headroomLocked(now time.Time) {
	// Only when a spare could start now: while the pool's starts are at
	// Config.MaxStarting, the start that ends re-decides (started).
	cfg := &p.s.cfg
	if _, _, spare := startPlan(p.scaleDemandLocked(), 0, cfg.MaxInstances, p.usable(), cfg.MaxStarting); spare > 0 {
		p.scaleLocked(now)
	}
}

// startSparesLocked starts up to n on-demand instances ahead of demand, with
// only the capacity and creation tokens free now. Nothing waits for them, so
// a shortfall is not recorded: the next request re-decides.
func (p *pool) startSparesLocked(n int, now time.Time) {
	if n <= 0 || p.retired || p.backoff.active(now) {
		return
	}
	n, _ = p.s.capacity.reserve(p.usage, n)
	got, _ := p.s.limiter.take(now, n)
	if got < n && p.s.capacity.release(p.usage, n-got) {
		p.s.rebalanceSoon()
	}
	for range got {
		p.startLocked(KindOnDemand, now)
	}
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
	if reserved, over := p.s.capacity.overCap(p.target.Function); over {
		// The cap was lowered while it started (enforceCap).
		in.state = StateDraining
		p.s.metrics.decision(p.target.Function, decisionCap)
		p.settleLocked(in, now)
		p.refuseUnservableLocked(reservedExceeded(p.target.Function, reserved))
		return
	}
	p.readyLocked(in, now) // counts a cold start or a pre-warm (prewarm.go)
	p.serveQueueLocked(in, now)
	p.settleLocked(in, now)
	p.scaleLocked(now) // starts held back by Config.MaxStarting, and headroom
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
	err = startError(p.target.Function, in.id, err)
	for range failedStartRefusals(p.demandLocked()) {
		p.queue.popBack().fail(err)
	}
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
