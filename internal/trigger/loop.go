package trigger

import (
	"context"
	"time"
)

// idle is how long the loop sleeps when no timer is due at all.
const idle = time.Hour

// run is the scheduler's one goroutine: it fires what is due, then sleeps
// until the next fire or a change of the timers.
func (s *Scheduler) run() {
	defer close(s.done)
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		fires, wait := s.due(time.Now())
		for _, f := range fires {
			s.fire(f)
		}
		t.Reset(wait)
		select {
		case <-s.stop:
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// due collects the fires due at now, moves each timer to its next fire, and
// returns how long to sleep until the earliest one.
func (s *Scheduler) due(now time.Time) ([]TimerFire, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fires []TimerFire
	wait := idle
	for _, e := range s.entries {
		if e.next.IsZero() {
			continue
		}
		if !e.next.After(now) {
			fires = append(fires, e.timer.fire(e.next))
			e.timer.LastFire = e.next
			e.next = after(e.sched, e.next, now)
		}
		if !e.next.IsZero() {
			wait = min(wait, e.next.Sub(now))
		}
	}
	return fires, wait
}

// fire hands one fire to Fire, if this node is the leader.
func (s *Scheduler) fire(f TimerFire) {
	if s.cfg.Leader != nil && !s.cfg.Leader.IsLeader() {
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.FireTimeout)
	defer cancel()
	if err := s.cfg.Fire(ctx, f); err != nil {
		s.log.Warn("timer fire not submitted", "timer", f.TimerID, "scheduled", f.Scheduled, "err", err)
	}
}

// after is the fire that follows the one at last. Fires that fell behind
// now (the loop was late, or the clock jumped) are skipped, not fired in a
// burst.
func after(sched Schedule, last, now time.Time) time.Time {
	next := sched.Next(last)
	if !next.IsZero() && !next.After(now) {
		next = sched.Next(now)
	}
	return next
}

// firstFire is a newly added timer's first fire: the most recent fire missed
// since lastFire if it is at most grace old (it then fires at once), else
// the next one from now.
func firstFire(sched Schedule, lastFire, now time.Time, grace time.Duration) time.Time {
	if missed := lastMissed(sched, lastFire, now, grace); !missed.IsZero() {
		return missed
	}
	return sched.Next(now)
}

// maxMissedSteps bounds the walk over missed fires (grace / interval).
const maxMissedSteps = 100_000

// lastMissed returns the latest scheduled time t with lastFire < t ≤ now and
// now-t ≤ grace, or zero.
func lastMissed(sched Schedule, lastFire, now time.Time, grace time.Duration) time.Time {
	if lastFire.IsZero() || grace < 0 {
		return time.Time{}
	}
	from := lastFire
	if earliest := now.Add(-grace).Add(-time.Nanosecond); earliest.After(from) {
		from = earliest
	}
	var missed time.Time
	for t, i := sched.Next(from), 0; !t.IsZero() && !t.After(now) && i < maxMissedSteps; t, i = sched.Next(t), i+1 {
		missed = t
	}
	return missed
}
