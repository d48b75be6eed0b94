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
		p        *pool
		in       *instance
		rank     int // what orders the choice, read under p.mu: idle on-demand 0, idle provisioned 1, busy 2 and 3
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
				rank := 0
				if in.busy > 0 {
					rank += 2
				}
				if in.kind == KindProvisioned {
					rank++
				}
				ready = append(ready, live{p, in, rank, in.lastUsed})
			case StateStarting:
				starting++
			}
		}
		p.mu.Unlock()
	}
	excess := min(len(ready), len(ready)+starting-keep)
	slices.SortFunc(ready, func(a, b live) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), a.lastUsed.Compare(b.lastUsed))
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
	if in.state == StateReady && slices.Contains(p.instances, in) {
		p.drainLocked(in, why)
	}
}

// drainLocked marks in draining, counts why, and stops it if it is idle
// (else its last release does).
func (p *pool) drainLocked(in *instance, why string) {
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
