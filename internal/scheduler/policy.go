package scheduler

import "math"

// This file holds the pure decisions of the request path and of scale-up.
// They read the state they are given and nothing else.

// pickInstance returns the ready instance with a free slot that a request
// should take, or nil: provisioned instances first (they are paid for
// whether used or not), then the most recently used. Packing requests onto
// the most recently used instance keeps the others idle so that their
// keep-alive can reclaim them.
func pickInstance(insts []*instance, slots int) *instance {
	var best *instance
	for _, in := range insts {
		if in.state != StateReady || in.busy >= slots {
			continue
		}
		if best == nil || preferred(in, best) {
			best = in
		}
	}
	return best
}

func preferred(a, b *instance) bool {
	if a.kind != b.kind {
		return a.kind == KindProvisioned
	}
	return a.lastUsed.After(b.lastUsed)
}

// demand is what a pool observes when it decides how many instances to start.
type demand struct {
	inflight int // busy slots on ready instances
	queued   int
	ready    int
	starting int
	draining int
	slots    int // per instance
	// provisioned counts the ready and starting instances that are
	// provisioned (they are counted in ready and starting too). Only the
	// spare decision reads it.
	provisioned int
}

// instancesToStart returns how many instances to add: enough to give every
// in-flight and queued request a slot, counting the instances already ready
// or starting, within maxInstances (which counts draining ones too).
func instancesToStart(d demand, maxInstances int) int {
	desired := ceilDiv(d.inflight+d.queued, d.slots)
	want := desired - d.ready - d.starting
	room := maxInstances - d.ready - d.starting - d.draining
	return max(0, min(want, room))
}

// unservable returns how many queued requests nothing could serve if no
// instance is started: none while a ready instance exists (its slots will
// free), else those beyond the slots of the instances still starting.
func unservable(d demand) int {
	if d.ready > 0 {
		return 0
	}
	return max(0, d.queued-d.starting*d.slots)
}

// failedStartRefusals is how many waiters a failed start fails, newest
// first: with no instance left to serve them, every waiter no starting
// instance covers; while others still start, only the failed instance's
// share (its slots), because Config.MaxStarting may hold back starts that
// would have served the rest, and they keep waiting within their bound.
func failedStartRefusals(d demand) int {
	n := unservable(d)
	if d.starting > 0 {
		n = min(n, d.slots)
	}
	return n
}

// startPlan splits the instances to start between the provisioned deficit
// (target minus live provisioned instances, after promotions), demand and
// headroom. Provisioned starts come first; they serve demand too, so
// on-demand starts only cover what they leave. Spare starts are the
// on-demand instances beyond those, started ahead of demand so that at most
// usable slots of each instance are taken (see usableSlots): the pool grows
// before its queue forms rather than after. Spares are opportunistic: the
// caller starts them only with room to spare, never waits or refuses for them.
//
// All three are bounded by maxStarting, the instances of the pool that may
// be starting at once: a boot storm (dozens of runtimes booting together on
// a few cores) starves the instances already serving and slows every boot,
// so that none is ready in time. The pool re-decides when a start ends.
//
// Spares go one at a time, and only while no other start of the pool is in
// progress. A boot takes a burst of CPU from the instances serving the
// demand; during a surge their answers slow, the slower answers raise the
// in-flight count, and that asks for more spares: speculative starts feed
// on themselves (14 instances for a need of 10 in the doubling benchmark).
// Starts for requests that actually wait are not damped.
func startPlan(d demand, provisionedDeficit, maxInstances, usable, maxStarting int) (provisioned, onDemand, spare int) {
	room := maxInstances - d.ready - d.starting - d.draining
	starts := max(0, maxStarting-d.starting)
	provisioned = max(0, min(provisionedDeficit, room, starts))
	d.starting += provisioned
	d.provisioned += provisioned
	starts -= provisioned
	onDemand = min(instancesToStart(d, maxInstances), starts)
	d.starting += onDemand
	starts -= onDemand
	return provisioned, onDemand, min(spareInstances(d, maxInstances, usable), starts, max(0, 1-d.starting))
}

// spareInstances returns how many instances to add, beyond those ready or
// starting, so that demand fills at most usable slots of each on-demand
// instance. Provisioned instances are the capacity their owner chose to pay
// for: demand fills all their slots first, and only the rest asks for
// headroom: desired = provisioned + ceil((in-flight + queued −
// provisioned × slots) / usable), within maxInstances (which counts
// draining ones too). No demand wants no spare, so an idle pool keeps none.
func spareInstances(d demand, maxInstances, usable int) int {
	want := desiredWithHeadroom(d, usable) - d.ready - d.starting
	room := maxInstances - d.ready - d.starting - d.draining
	return max(0, min(want, room))
}

func desiredWithHeadroom(d demand, usable int) int {
	usable = max(1, min(usable, d.slots))
	rest := max(0, d.inflight+d.queued-d.provisioned*d.slots)
	return d.provisioned + ceilDiv(rest, usable)
}

// usableSlots is how many of an instance's slots the scale decision lets
// demand fill before it starts another instance: slots × targetUtilization,
// rounded down, and at least one. With instanceConcurrency 1 there is no
// headroom (an instance per request is already one per request); with 10
// and 0.7, an eighth request in flight on one instance starts a second.
func usableSlots(slots int, targetUtilization float64) int {
	if targetUtilization <= 0 || targetUtilization >= 1 {
		return slots
	}
	// The epsilon keeps 10 × 0.7 at 7 despite binary floating point.
	return max(1, int(math.Floor(float64(slots)*targetUtilization+1e-9)))
}

// beyondCap reports whether a request that finds no free slot needs an
// instance that the function's cap does not allow: the instances its pool
// would need for in-flight and queued requests, this one included, exceed
// those ready or starting by more than room.
func beyondCap(d demand, room int) bool {
	need := ceilDiv(d.inflight+d.queued+1, d.slots) - d.ready - d.starting
	return need > room
}

func ceilDiv(a, b int) int {
	return (a + b - 1) / b
}
