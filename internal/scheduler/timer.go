package scheduler

import "time"

// wakeAtLocked makes sure the pool's timer fires no later than t. The zero
// time asks for nothing.
func (p *pool) wakeAtLocked(t, now time.Time) {
	if t.IsZero() || p.s.shuttingDown() {
		return
	}
	if !p.timerAt.IsZero() && !t.Before(p.timerAt) {
		return
	}
	p.timerAt = t
	if p.timer == nil {
		p.timer = time.AfterFunc(t.Sub(now), p.onTimer)
		return
	}
	p.timer.Reset(t.Sub(now))
}

// onTimer runs in the timer's goroutine, which the scheduler tracks.
func (p *pool) onTimer() {
	if !p.s.group.enter() {
		return
	}
	defer p.s.group.leave()
	p.tick(time.Now())
}

// tick applies the time-driven decisions: idle instances whose keep-alive
// has expired drain, a pool whose starts were held back by the backoff
// or the creation rate tries again, and a pre-warm its policy asks for
// starts (prewarm.go). It re-arms the timer for the next deadline.
func (p *pool) tick(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timerAt = time.Time{}
	for _, in := range p.instances {
		if expired(now, p.view(in), p.policy) {
			in.state = StateDraining
			p.s.metrics.decision(p.target.Function, decisionReclaim)
			p.s.metrics.reclaimed(p.target.Function, p.policyName)
		}
		p.settleLocked(in, now)
	}
	p.scaleLocked(now)
	p.prewarmLocked(now)
}
