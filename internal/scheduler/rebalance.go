package scheduler

import (
	"slices"
)

// rebalanceSoon wakes the rebalancer. It never blocks, so pools call it
// under their lock; wake-ups that arrive while one is pending merge.
func (s *Scheduler) rebalanceSoon() {
	select {
	case s.rebalanceCh <- struct{}{}:
	default:
	}
}

// rebalancer owns the work that spans pools — retrying the pools held back
// by the node's capacity and evicting idle instances for them — so that no
// code holds two pool locks. It runs until shutdown.
func (s *Scheduler) rebalancer() {
	for {
		select {
		case <-s.shutdown:
			s.capacity.clearBlocked()
			return
		case <-s.rebalanceCh:
			s.rebalance()
		}
	}
}

// rebalance lets the pools held back try again, then evicts for those
// still held back (see planEvictions). Evicted instances stop in their own
// goroutines; the room they give back wakes the rebalancer again.
func (s *Scheduler) rebalance() {
	blocked, _ := s.capacity.snapshot()
	for p := range blocked {
		p.rescale()
	}
	blocked, l := s.capacity.snapshot()
	if len(blocked) == 0 {
		return
	}
	needs := make([]need, 0, len(blocked))
	for p, short := range blocked {
		needs = append(needs, need{pool: p, key: p.target.Key, usage: p.usage, short: short})
	}
	cands, coming := s.evictionCandidates()
	plan := planEvictions(needs, cands, coming, l)
	for _, c := range plan.evict {
		c.pool.evict(c.inst)
	}
	for _, n := range plan.refuse {
		a := n.usage.account
		if n.short.by == limitAccountMemory {
			n.pool.refuse(memoryQuotaExhausted(n.pool.target.Function, a, l.memQuotas[a]))
			continue
		}
		n.pool.refuse(quotaExhausted(n.pool.target.Function, a, l.quotaOf(a)))
	}
}

// evictionCandidates gathers, one pool at a time, the idle on-demand
// instances of live pools and the room that stopping instances will give
// back.
func (s *Scheduler) evictionCandidates() ([]candidate, credit) {
	var cands []candidate
	coming := credit{accounts: make(map[string]int), accountMB: make(map[string]int)}
	for _, p := range s.livePools() {
		cands = p.appendCandidates(cands, &coming)
	}
	return cands, coming
}

func (p *pool) appendCandidates(cands []candidate, coming *credit) []candidate {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, in := range p.instances {
		switch {
		case in.state == StateDraining && in.busy == 0:
			coming.memoryMB += p.usage.memoryMB
			coming.accounts[p.usage.account]++
			coming.accountMB[p.usage.account] += p.usage.memoryMB
		case !p.retired && in.kind == KindOnDemand && in.idle():
			cands = append(cands, candidate{pool: p, inst: in, key: p.target.Key, usage: p.usage, lastUsed: in.lastUsed})
		}
	}
	return cands
}

// evict stops in if it is still an idle on-demand instance of p.
func (p *pool) evict(in *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.retired && in.kind == KindOnDemand && in.idle() && slices.Contains(p.instances, in) {
		p.drainLocked(in, decisionEvict)
	}
}

// refuse fails the waiters of p that no instance will serve.
func (p *pool) refuse(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuseUnservableLocked(err)
}
