package scheduler

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// pool holds the instances and the queue of one Key. See the package doc for
// its invariants and locking.
type pool struct {
	s      *Scheduler
	target Target // the first Target seen for the Key; read-only
	slots  int
	usage  usage // what each instance holds in the node's capacity

	mu sync.Mutex
	// instances are starting, ready and draining, until stopped; each
	// holds one reservation of usage in the scheduler's capacity.
	instances   []*instance
	queue       waitQueue
	backoff     backoff
	retired     bool   // no new requests; instances stop once idle
	provisioned int    // target of live provisioned instances
	provErr     string // why the last provisioned start failed or was held back
	limitedBy   limit  // what held back the last scale-up, for messages
	rebalancing bool   // scaling on the rebalancer's behalf (see rescale)
	timer       *time.Timer
	timerAt     time.Time // when timer fires; zero when not armed
	// policy decides the keep-alive of the Key's instances (see
	// prewarm.go); adaptive is policy when it is an AdaptivePolicy.
	policy       KeepAlivePolicy
	adaptive     AdaptivePolicy
	policyName   string
	prewarmedFor time.Time // the PrewarmAt answer last acted on
}

// newPool is called with s.mu held.
func newPool(s *Scheduler, t *Target) *pool {
	p := &pool{s: s, target: *t, slots: t.slots(), usage: usageOf(t)}
	if t.KeepAlive != nil {
		p.setPolicyLocked(t.KeepAlive)
	} else {
		p.setPolicyLocked(s.policyForLocked(t.Function))
	}
	return p
}

// acquire returns an instance on which a slot has been taken for the caller,
// waiting in the queue if none is free.
func (p *pool) acquire(ctx context.Context) (*instance, error) {
	now := time.Now()
	p.mu.Lock()
	if p.retired {
		p.mu.Unlock()
		return nil, errRetired
	}
	p.observeLocked(Arrived, now)
	if in := pickInstance(p.instances, p.slots); in != nil {
		in.take(now)
		p.headroomLocked(now)
		p.mu.Unlock()
		return in, nil
	}
	if err := p.admitLocked(now); err != nil {
		p.mu.Unlock()
		return nil, err
	}
	w := p.queue.push()
	p.scaleLocked(now)
	p.mu.Unlock()
	return p.wait(ctx, w)
}

// admitLocked refuses a request that would have to queue when the queue is
// full, when its function can never fit the node, or when starts are backing
// off and nothing could serve it.
func (p *pool) admitLocked(now time.Time) error {
	if node := p.s.cfg.NodeMemoryMB; node > 0 && p.usage.memoryMB > node {
		return tooBigForNode(p.target.Function, p.usage.memoryMB, node)
	}
	if n := p.queue.len(); n >= p.s.cfg.MaxQueueLength {
		return queueFull(p.target.Function, n)
	}
	d := p.demandLocked()
	if room, reserved := p.s.capacity.functionRoom(p.target.Function); beyondCap(d, room) {
		p.s.metrics.decision(p.target.Function, decisionThrottle)
		return reservedExceeded(p.target.Function, reserved)
	}
	d.queued++
	if p.backoff.active(now) && unservable(d) > 0 {
		return fmt.Errorf("function %s: starts back off after %d failures: %w",
			p.target.Function, p.backoff.failures, p.backoff.err)
	}
	return nil
}

// wait blocks until w is granted a slot or its wait ends.
func (p *pool) wait(ctx context.Context, w *waiter) (*instance, error) {
	defer watchWait(ctx)()
	bound := p.target.waitBound(p.s.cfg.MaxQueueWait)
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case g := <-w.ch:
		return g.inst, g.err
	case <-ctx.Done():
		return p.abandon(w, fmt.Errorf("function %s: waiting for an instance: %w", p.target.Function, ctx.Err()))
	case <-timer.C:
		return p.abandon(w, queueTimeout(p.target.Function, bound, p.limit()))
	case <-p.s.shutdown:
		return p.abandon(w, closed())
	}
}

// abandon takes w off the queue and returns err. If w was granted a slot
// meanwhile, the slot goes back to the pool.
func (p *pool) abandon(w *waiter, err error) (*instance, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.queue.remove(w) {
		return nil, err
	}
	if g := <-w.ch; g.inst != nil {
		p.releaseLocked(g.inst, true, time.Now())
	}
	return nil, err
}

// limit returns what held back the pool's last scale-up.
func (p *pool) limit() limit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limitedBy
}

// release returns a slot of in. An unhealthy instance (Broken, or the engine
// could not deliver to it) drains and is replaced on demand.
func (p *pool) release(in *instance, healthy bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.releaseLocked(in, healthy, time.Now())
}

func (p *pool) releaseLocked(in *instance, healthy bool, now time.Time) {
	in.busy--
	in.lastUsed = now
	if !healthy && in.state == StateReady {
		in.state = StateDraining
		p.scaleLocked(now)
	}
	p.serveQueueLocked(in, now)
	p.observeLocked(Released, now)
	p.settleLocked(in, now)
}

// serveQueueLocked gives the free slots of a ready instance to the oldest
// waiters.
func (p *pool) serveQueueLocked(in *instance, now time.Time) {
	for in.state == StateReady && in.busy < p.slots {
		w := p.queue.popFront()
		if w == nil {
			return
		}
		in.take(now)
		w.give(in)
	}
}

// settleLocked decides what an instance whose slots changed does next: an
// idle instance of a retired pool drains, a draining one with no request
// left is stopped, an idle ready one waits for its keep-alive.
func (p *pool) settleLocked(in *instance, now time.Time) {
	if in.busy > 0 {
		return
	}
	if in.state == StateReady && p.retired {
		in.state = StateDraining
	}
	switch in.state {
	case StateDraining:
		if !in.stopSent {
			in.stopSent = true
			close(in.stopReq)
		}
	case StateReady:
		if in.kind == KindOnDemand {
			p.wakeAtLocked(p.policy.ReclaimAt(p.view(in)), now)
		}
		if p.s.capacity.anyBlocked() {
			p.s.rebalanceSoon() // an idle instance may make room by eviction
		}
	}
}

// retire stops the idle instances now and the busy ones once idle. Requests
// already queued are still served.
func (p *pool) retire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.retired = true
	if p.adaptive != nil {
		p.adaptive.Forget(p.target.Key)
	}
	// Provisioned instances drain like the others. A pool held back for
	// room stays in the blocked set: its queue is still served.
	p.provisioned = 0
	now := time.Now()
	for _, in := range p.instances {
		p.settleLocked(in, now)
	}
}

// demandLocked observes the pool for the scale decisions.
func (p *pool) demandLocked() demand {
	d := demand{queued: p.queue.len(), slots: p.slots}
	for _, in := range p.instances {
		switch in.state {
		case StateStarting:
			d.starting++
		case StateReady:
			d.ready++
			d.inflight += in.busy
		case StateDraining:
			d.draining++
		}
	}
	return d
}

// removeLocked forgets in and gives back the capacity it held.
func (p *pool) removeLocked(in *instance) {
	i := slices.Index(p.instances, in)
	if i < 0 {
		return
	}
	p.instances = slices.Delete(p.instances, i, i+1)
	if p.s.capacity.release(p.usage, 1) {
		p.s.rebalanceSoon()
	}
}

func (p *pool) view(in *instance) InstanceView {
	return in.view(p.target.Key, p.slots)
}
