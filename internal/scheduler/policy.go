package scheduler

// This file holds the pure decisions of the request path and of scale-up.
// They read the state they are given and nothing else.

// pickInstance returns the most recently used ready instance with a free
// slot, or nil. Packing requests onto the most recently used instance keeps
// the others idle so that their keep-alive can reclaim them.
func pickInstance(insts []*instance, slots int) *instance {
	var best *instance
	for _, in := range insts {
		if in.state != StateReady || in.busy >= slots {
			continue
		}
		if best == nil || in.lastUsed.After(best.lastUsed) {
			best = in
		}
	}
	return best
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

func ceilDiv(a, b int) int {
	return (a + b - 1) / b
}
