package scheduler

import "time"

// ProvisionedStatus is how a Key's provisioned instances stand.
type ProvisionedStatus struct {
	Target int
	// Current counts the provisioned instances that are ready.
	Current int
	// Err says why Current is below Target: the last failed start, or the
	// limit that held starts back. Empty when the target is met.
	Err string
}

// SetProvisioned sets how many provisioned instances t's Key keeps. The pool
// promotes its live on-demand instances first, then starts new ones; above
// the target, idle provisioned instances stop and busy ones become
// on-demand. A target of 0 for a Key without instances does nothing.
func (s *Scheduler) SetProvisioned(t *Target, target int) error {
	if err := t.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closing || (target == 0 && s.pools[t.Key] == nil) {
		s.mu.Unlock()
		return nil
	}
	p := s.poolLocked(t)
	s.mu.Unlock()
	p.setProvisioned(max(0, target))
	return nil
}

// Provisioned reports the provisioned instances of key.
func (s *Scheduler) Provisioned(key string) ProvisionedStatus {
	s.mu.Lock()
	p := s.pools[key]
	s.mu.Unlock()
	if p == nil {
		return ProvisionedStatus{}
	}
	return p.provisionedStatus()
}

func (p *pool) setProvisioned(target int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.retired {
		return
	}
	p.provisioned = target
	p.scaleLocked(time.Now())
}

func (p *pool) provisionedStatus() ProvisionedStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := ProvisionedStatus{Target: p.provisioned, Current: p.readyProvisionedLocked()}
	if st.Current < st.Target {
		st.Err = p.provErr
	}
	return st
}

// fitProvisionedLocked brings the live provisioned instances to the target
// without starting any: it promotes on-demand instances when short and
// sheds the excess when over. It returns how many provisioned instances
// are still to start.
func (p *pool) fitProvisionedLocked(now time.Time) int {
	live := 0
	for _, in := range p.instances {
		if in.kind == KindProvisioned && in.live() {
			live++
		}
	}
	switch {
	case live < p.provisioned:
		live += p.promoteLocked(p.provisioned - live)
	case live > p.provisioned:
		p.shedLocked(live-p.provisioned, now)
		live = p.provisioned
	}
	if p.readyProvisionedLocked() >= p.provisioned {
		p.provErr = "" // not while one still starts: that start may fail again
	}
	return p.provisioned - live
}

// readyProvisionedLocked counts the provisioned instances that serve.
func (p *pool) readyProvisionedLocked() int {
	n := 0
	for _, in := range p.instances {
		if in.kind == KindProvisioned && in.state == StateReady {
			n++
		}
	}
	return n
}

// promoteLocked turns up to n live on-demand instances, ready ones first,
// into provisioned ones, and returns how many it turned.
func (p *pool) promoteLocked(n int) int {
	done := 0
	for _, state := range []State{StateReady, StateStarting} {
		for _, in := range p.instances {
			if done == n {
				return done
			}
			if in.kind == KindOnDemand && in.state == state {
				in.kind = KindProvisioned
				done++
				p.s.metrics.decision(p.target.Function, decisionPromote)
			}
		}
	}
	return done
}

// shedLocked releases n live provisioned instances: idle ones stop, the
// others (busy or starting) become on-demand and are reclaimed once idle.
func (p *pool) shedLocked(n int, now time.Time) {
	for _, in := range p.instances {
		if n > 0 && in.kind == KindProvisioned && in.idle() {
			in.state = StateDraining
			p.settleLocked(in, now)
			n--
			p.s.metrics.decision(p.target.Function, decisionShed)
		}
	}
	for _, in := range p.instances {
		if n > 0 && in.kind == KindProvisioned && in.live() {
			in.kind = KindOnDemand
			p.settleLocked(in, now)
			n--
			p.s.metrics.decision(p.target.Function, decisionDemote)
		}
	}
}
