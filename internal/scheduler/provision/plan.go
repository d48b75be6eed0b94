// Package provision decides how many provisioned instances a function
// qualifier should have at a given time: the pure part of FC's provision
// configs. A Plan is compiled from a PutProvisionConfigInput; Plan.Target
// takes the time and the observed load and returns the target, reading
// nothing else, so that scenario tests run it under fake time.
//
// The target at now is, in order:
//
//  1. the base: defaultTarget if set, else target;
//  2. replaced by the target of the scheduled action that fired last at or
//     before now, within that action's [startTime, endTime] (an action's
//     effect lasts until another action fires: scheduled actions set the
//     target, as in FC and AWS Application Auto Scaling);
//  3. raised, while a target-tracking policy is in force (inside its
//     window), to what that policy asks: enough instances to carry the
//     observed mean of the Key's requests in flight or queued, on any kind
//     of instance, at metricTarget utilisation, within
//     [minCapacity, maxCapacity]. Policies never lower the scheduled
//     target: a schedule guarantees capacity for a known peak, tracking
//     adds to it for load nobody scheduled.
//
// Tracking counts all of the Key's requests, not only those on provisioned
// instances: when none overflows to on-demand instances this is FC's
// ProvisionedConcurrencyUtilization times the provisioned slots, and when
// some do, the target rises to the whole load at once instead of by a
// factor 1/metricTarget per window.
package provision

import (
	"math"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// Plan is a compiled provision config.
type Plan struct {
	base     int
	actions  []action
	policies []policy
}

type action struct {
	schedule *fc.Schedule
	window   fc.Window
	target   int
}

type policy struct {
	window     fc.Window
	utilTarget float64
	min, max   int
}

// Load is what the scheduler observed of a Key: the mean number of requests
// in flight over the tracking window, and the slots of one instance.
type Load struct {
	InFlight float64
	Slots    int
}

// Compile validates in and compiles it.
func Compile(in *fc.PutProvisionConfigInput) (*Plan, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := &Plan{base: *in.Target}
	if in.DefaultTarget != nil {
		p.base = *in.DefaultTarget
	}
	for _, a := range in.ScheduledActions {
		w, _ := a.Window() // Validate parsed both already
		s, _ := fc.ParseSchedule(a.ScheduleExpression, w.Location)
		p.actions = append(p.actions, action{schedule: s, window: w, target: *a.Target})
	}
	for _, tp := range in.TargetTrackingPolicies {
		w, _ := fc.ParseWindow(tp.Name, tp.StartTime, tp.EndTime, tp.TimeZone)
		p.policies = append(p.policies, policy{window: w, utilTarget: *tp.MetricTarget,
			min: *tp.MinCapacity, max: *tp.MaxCapacity})
	}
	return p, nil
}

// Tracks reports whether the plan has target-tracking policies, so that the
// caller knows to observe load.
func (p *Plan) Tracks() bool { return len(p.policies) > 0 }

// Target returns the provisioned target at now under load (see the package
// doc).
func (p *Plan) Target(now time.Time, load Load) int {
	target := p.Scheduled(now)
	for _, pol := range p.policies {
		if pol.window.Contains(now) {
			target = max(target, pol.track(load))
		}
	}
	return target
}

// Scheduled returns the base or scheduled target at now, without tracking.
func (p *Plan) Scheduled(now time.Time) int {
	target, latest := p.base, time.Time{}
	for _, a := range p.actions {
		f := lastFire(a.schedule, a.window, now)
		if !f.IsZero() && !f.Before(latest) {
			target, latest = a.target, f
		}
	}
	return target
}

// track returns the instances that carry load at the policy's utilisation.
func (pol policy) track(load Load) int {
	slots := max(1, load.Slots)
	want := int(math.Ceil(load.InFlight/(float64(slots)*pol.utilTarget) - 1e-9))
	return min(max(want, pol.min), pol.max)
}
