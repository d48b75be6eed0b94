package scheduler

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

// startPlan splits the instances to start between the provisioned deficit
// (target minus live provisioned instances, after promotions) and demand.
// Provisioned starts come first; they serve demand too, so on-demand starts
// only cover what they leave.
func startPlan(d demand, provisionedDeficit, maxInstances int) (provisioned, onDemand int) {
	room := maxInstances - d.ready - d.starting - d.draining
	provisioned = max(0, min(provisionedDeficit, room))
	d.starting += provisioned
	return provisioned, instancesToStart(d, maxInstances)
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
