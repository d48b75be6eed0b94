package scheduler

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// KeepAlivePolicy decides how long an idle instance is kept. Implementations
// must be pure: the answer depends only on the view (and the policy's own
// configuration or learned history), never on the clock.
type KeepAlivePolicy interface {
	// ReclaimAt returns when the idle instance may be stopped; the zero
	// time keeps it forever.
	ReclaimAt(inst InstanceView) time.Time
}

// AdaptivePolicy is a KeepAlivePolicy that learns each Key's invocation
// pattern from what its pool observes and may ask for an instance ahead of
// a predicted call (a pre-warm). Its decisions are pure functions of the
// observed history, its configuration and the times passed in. The pool
// calls it under its lock; implementations guard their state with a leaf
// mutex of their own.
type AdaptivePolicy interface {
	KeepAlivePolicy
	// Observe records one event of key's activity.
	Observe(key string, ev Activity)
	// PrewarmAt returns when key, having no live instance, should start
	// one ahead of its next predicted call; zero when none is due any
	// more at now. The pool starts at most one pre-warm per answer.
	PrewarmAt(key string, now time.Time) time.Time
	// NextCall is when key's next call is predicted to come (the opening
	// of its keep-alive window); zero when there is no prediction.
	NextCall(key string) time.Time
	// Forget drops what was learned of key, whose pool is retired.
	Forget(key string)
}

// ActivityKind says what an Activity reports.
type ActivityKind int

// Activity kinds.
const (
	// Arrived: a request for the Key arrived; Idle says no request of the
	// Key was running or queued.
	Arrived ActivityKind = iota
	// Released: a request returned; Idle says it was the Key's last one.
	Released
	// Started: an instance of the Key became ready, StartTook after the
	// decision to start it.
	Started
)

// Activity is one observation of a Key, at At.
type Activity struct {
	Kind      ActivityKind
	At        time.Time
	Idle      bool
	StartTook time.Duration
	// MemoryMB is the Key's instance memory (Spec.MemoryMB; 0 unknown).
	MemoryMB int
}

// FixedKeepAlive keeps every idle instance for the same duration after its
// last use.
type FixedKeepAlive time.Duration

// ReclaimAt implements KeepAlivePolicy.
func (k FixedKeepAlive) ReclaimAt(inst InstanceView) time.Time {
	return inst.LastUsed.Add(time.Duration(k))
}

func (k FixedKeepAlive) String() string { return "fixed:" + shortDuration(time.Duration(k)) }

// PolicyName names a policy for metrics and logs: its String method, or its
// type.
func PolicyName(p KeepAlivePolicy) string {
	if s, ok := p.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", p)
}

// ParseKeepAlivePolicy parses a policy name as the server's
// --keep-alive-policy flag takes it: "fixed:<duration>", "hybrid" (the
// ATC'20 hybrid histogram policy), "yun" (Yun's default, see NewYunPolicy)
// or "yun:<cost>" (Yun's with YunConfig.ColdStartCost in MB·s).
// keepAlive is the duration of a bare "fixed" (0: DefaultKeepAlive) and,
// when not 0, the keep-alive Yun's policy gives a Key it has not learned
// yet.
func ParseKeepAlivePolicy(s string, keepAlive time.Duration) (KeepAlivePolicy, error) {
	name, arg, hasArg := strings.Cut(s, ":")
	switch {
	case name == "fixed" && !hasArg:
		return FixedKeepAlive(cmpOr(keepAlive, DefaultKeepAlive)), nil
	case name == "fixed":
		d, err := time.ParseDuration(arg)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("keep-alive policy %q: want fixed:<positive duration>", s)
		}
		return FixedKeepAlive(d), nil
	case s == "hybrid":
		return NewHybridPolicy(HybridConfig{}), nil
	case s == "yun":
		return NewYunPolicy(YunConfig{NewKeepAlive: keepAlive}), nil
	case name == "yun":
		cost, err := strconv.ParseFloat(arg, 64)
		if err != nil || cost <= 0 || math.IsInf(cost, 0) {
			return nil, fmt.Errorf("keep-alive policy %q: want yun:<cold-start cost in MB·s, positive>", s)
		}
		return NewYunPolicy(YunConfig{NewKeepAlive: keepAlive, ColdStartCost: cost}), nil
	}
	return nil, fmt.Errorf("keep-alive policy %q: want fixed:<duration>, hybrid, yun or yun:<cost>", s)
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

// shortDuration prints d without trailing zero units: 10m, 1h30m, 1.5s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
