package scheduler

import (
	"cmp"
	"slices"
	"time"
)

// This file stops a function's instances beyond a reservedConcurrency that
// was lowered below them: the cap holds from the moment it is set, not from
// the moment keep-alive happens to reclaim the excess (which provisioned
// instances never are).

// enforceCap drains the ready instances of function beyond keep, counting its
// starting ones as kept: idle before busy, on-demand before provisioned,
// least recently used first. Idle ones stop now, busy ones after their
// request; a starting one drains once ready if the function is still over
// its cap (started). With keep 0 the function's queued requests are refused
// too: nothing will serve them.
func (s *Scheduler) enforceCap(function string, keep int) {
	type live struct {
		p  *pool
		in *instance
		// What ordered the choice, read under p.mu.
		busy     bool
		kind     Kind
		lastUsed time.Time
	}
	pools := s.poolsWhere(func(p *pool) bool { return p.target.Function == function })
	var ready []live
	starting := 0
	for _, p := range pools {
		p.mu.Lock()
		for _, in := range p.instances {
			switch in.state {
			case StateReady:
				ready = append(ready, live{p, in, in.busy > 0, in.kind, in.lastUsed})
			case StateStarting:
				starting++
			}
		}
		p.mu.Unlock()
	}
	excess := min(len(ready), len(ready)+starting-keep)
	slices.SortFunc(ready, func(a, b live) int {
		if a.busy != b.busy {
			return cmp.Compare(boolRank(a.busy), boolRank(b.busy))
		}
		if a.kind != b.kind {
			return cmp.Compare(boolRank(a.kind == KindProvisioned), boolRank(b.kind == KindProvisioned))
		}
		return a.lastUsed.Compare(b.lastUsed)
	})
	for _, l := range ready[:max(0, excess)] {
		l.p.drain(l.in, decisionCap)
	}
	if keep == 0 {
		err := reservedExceeded(function, 0)
		for _, p := range pools {
			p.refuseQueued(err)
		}
	}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// poolsWhere returns the pools match accepts.
func (s *Scheduler) poolsWhere(match func(*pool) bool) []*pool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*pool
	for _, p := range s.pools {
		if match(p) {
			out = append(out, p)
		}
	}
	return out
}

// drain stops in once it is idle (now, if it is), unless it is no longer a
// ready instance of p.
func (p *pool) drain(in *instance, why string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if in.state != StateReady || !slices.Contains(p.instances, in) {
		return
	}
	in.state = StateDraining
	p.s.metrics.decision(p.target.Function, why)
	p.settleLocked(in, time.Now())
}

// refuseQueued fails every request waiting in p's queue with err.
func (p *pool) refuseQueued(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.queue.len() > 0 {
		p.queue.popBack().fail(err)
	}
}
