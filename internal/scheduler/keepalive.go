package scheduler

import "time"

// KeepAlivePolicy decides how long an idle instance is kept. Implementations
// must be pure: the answer depends only on the view (and the policy's own
// configuration or learned history), never on the clock.
type KeepAlivePolicy interface {
	// ReclaimAt returns when the idle instance may be stopped; the zero
	// time keeps it forever.
	ReclaimAt(inst InstanceView) time.Time
}

// FixedKeepAlive keeps every idle instance for the same duration after its
// last use.
type FixedKeepAlive time.Duration

// ReclaimAt implements KeepAlivePolicy.
func (k FixedKeepAlive) ReclaimAt(inst InstanceView) time.Time {
	return inst.LastUsed.Add(time.Duration(k))
}

// expired reports whether inst should be stopped at now: it is an idle
// on-demand instance and its policy's reclaim time has come. Provisioned
// instances are never reclaimed for idleness.
func expired(now time.Time, inst InstanceView, policy KeepAlivePolicy) bool {
	if !inst.Idle() || inst.Kind == KindProvisioned {
		return false
	}
	at := policy.ReclaimAt(inst)
	return !at.IsZero() && !now.Before(at)
}
