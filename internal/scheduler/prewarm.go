package scheduler

import "time"

// This file connects a pool to its keep-alive policy: it reports the Key's
// activity to an AdaptivePolicy and starts the pre-warms it asks for.

// SetKeepAlivePolicy makes policy decide for function's instances (all its
// Keys, current and future) instead of Config.KeepAlivePolicy; nil restores
// the node default. Idle instances follow the new policy from their next
// deadline.
func (s *Scheduler) SetKeepAlivePolicy(function string, policy KeepAlivePolicy) {
	s.mu.Lock()
	if policy == nil {
		delete(s.keepAliveFor, function)
	} else {
		if s.keepAliveFor == nil {
			s.keepAliveFor = make(map[string]KeepAlivePolicy)
		}
		s.keepAliveFor[function] = policy
	}
	var pools []*pool
	for _, p := range s.pools {
		if p.target.Function == function && p.target.KeepAlive == nil {
			pools = append(pools, p)
		}
	}
	s.mu.Unlock()
	policy = s.policyFor(function) // before any pool lock: Scheduler.mu is never held with another
	for _, p := range pools {
		p.mu.Lock()
		p.setPolicyLocked(policy)
		p.mu.Unlock()
	}
}

// policyFor returns the keep-alive policy of function.
func (s *Scheduler) policyFor(function string) KeepAlivePolicy {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.policyForLocked(function)
}

func (s *Scheduler) policyForLocked(function string) KeepAlivePolicy {
	if p := s.keepAliveFor[function]; p != nil {
		return p
	}
	return s.keepAlive
}

func (p *pool) setPolicyLocked(policy KeepAlivePolicy) {
	if old, ok := p.policy.(AdaptivePolicy); ok && old != policy {
		old.Forget(p.target.Key)
	}
	p.policy = policy
	p.adaptive, _ = policy.(AdaptivePolicy)
	p.policyName = PolicyName(policy)
}

// observeLocked reports an arrival or a release of the pool's Key to an
// adaptive policy, and after a release that left the Key idle arms the
// timer for its pre-warm.
func (p *pool) observeLocked(kind ActivityKind, now time.Time) {
	if p.adaptive == nil || p.retired {
		return // a retired pool's Key was forgotten: do not learn it again
	}
	idle := p.idleLocked()
	p.adaptive.Observe(p.target.Key, Activity{Kind: kind, At: now, Idle: idle, MemoryMB: p.target.Spec.MemoryMB})
	if kind == Released && idle {
		p.wakeAtLocked(p.adaptive.PrewarmAt(p.target.Key, now), now)
	}
}

// idleLocked reports whether no request of the Key runs or waits.
func (p *pool) idleLocked() bool {
	if p.queue.len() > 0 {
		return false
	}
	for _, in := range p.instances {
		if in.busy > 0 {
			return false
		}
	}
	return true
}

// prewarmLocked starts the pre-warm the policy asks for once it is due and
// the Key has no live instance, or arms the timer for it. Each answer of
// PrewarmAt starts at most one pre-warm. A pre-warm is an on-demand
// instance started through the same path as any other (Scheduler.run),
// within the same capacity and creation rate: held back by the rate it is
// retried when a token is due; without room on the node it is skipped
// (it never waits, blocks the pool or evicts).
func (p *pool) prewarmLocked(now time.Time) {
	if p.adaptive == nil || p.retired || p.s.shuttingDown() || p.backoff.active(now) {
		return
	}
	at := p.adaptive.PrewarmAt(p.target.Key, now)
	if at.IsZero() || at.Equal(p.prewarmedFor) {
		return
	}
	for _, in := range p.instances {
		if in.live() {
			return
		}
	}
	if now.Before(at) {
		p.wakeAtLocked(at, now)
		return
	}
	if n, _ := p.s.capacity.reserve(p.usage, 1); n == 0 {
		return
	}
	if got, next := p.s.limiter.take(now, 1); got == 0 {
		if p.s.capacity.release(p.usage, 1) {
			p.s.rebalanceSoon()
		}
		p.wakeAtLocked(next, now)
		return
	}
	p.prewarmedFor = at
	in := newInstance(p.s.newInstanceID(), KindOnDemand, now)
	in.prewarm = true
	p.instances = append(p.instances, in)
	p.s.metrics.decision(p.target.Function, decisionPrewarm)
	if !p.s.group.Go(func() { p.s.run(p, in) }) {
		p.removeLocked(in)
	}
}

// readyLocked counts an instance that became ready: a cold start, or a
// pre-warm (not a cold start for the request that will use it); an
// adaptive policy learns the Key's start time from it.
func (p *pool) readyLocked(in *instance, now time.Time) {
	took := now.Sub(in.created)
	if in.prewarm {
		p.s.metrics.prewarmed(p.target.Function, p.policyName, took)
	} else {
		p.s.metrics.coldStart(p.target.Function, in.kind, took)
	}
	if p.adaptive != nil && !p.retired {
		p.adaptive.Observe(p.target.Key, Activity{Kind: Started, At: now, StartTook: took})
	}
}
