package scheduler

import (
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// State is where an instance is in its life; see the package doc.
type State int

// Instance states.
const (
	StateStarting State = iota
	StateReady
	StateDraining
	StateStopped
	StateFailed
)

func (s State) String() string {
	switch s {
	case StateStarting:
		return "starting"
	case StateReady:
		return "ready"
	case StateDraining:
		return "draining"
	case StateStopped:
		return "stopped"
	case StateFailed:
		return "failed"
	}
	return "unknown"
}

// Kind says why an instance exists.
type Kind int

// Instance kinds.
const (
	// KindOnDemand instances are started for demand and reclaimed by the
	// keep-alive policy once idle.
	KindOnDemand Kind = iota
	// KindProvisioned instances are kept at their Key's provisioned target
	// and never reclaimed for idleness; dispatch prefers them.
	KindProvisioned
)

func (k Kind) String() string {
	if k == KindProvisioned {
		return "provisioned"
	}
	return "on-demand"
}

// InstanceView is what policies see of an instance: a copy, safe to keep.
type InstanceView struct {
	ID          string
	Key         string
	State       State
	Kind        Kind
	Busy        int // slots in use
	Concurrency int // slots in all
	Created     time.Time
	// LastUsed is when a request last took or returned a slot; for an idle
	// instance it is when it became idle.
	LastUsed time.Time
}

// Idle reports whether the instance is ready with no request running.
func (v InstanceView) Idle() bool { return v.State == StateReady && v.Busy == 0 }

// instance is one instance as its pool tracks it. Its fields are guarded by
// the pool's mutex; sb is set, under that mutex, before the instance becomes
// ready, so whoever holds a slot may use it without the mutex.
type instance struct {
	id       string
	state    State
	kind     Kind
	busy     int
	created  time.Time
	lastUsed time.Time
	sb       sandbox.Instance // set when ready
	// stopReq is closed (once, see pool.settleLocked) to ask the goroutine
	// that owns the instance to stop it.
	stopReq  chan struct{}
	stopSent bool
	prewarm  bool // started ahead of a predicted call (prewarm.go)
}

func newInstance(id string, kind Kind, now time.Time) *instance {
	return &instance{id: id, state: StateStarting, kind: kind, created: now, lastUsed: now, stopReq: make(chan struct{})}
}

func (in *instance) view(key string, slots int) InstanceView {
	return InstanceView{ID: in.id, Key: key, State: in.state, Kind: in.kind, Busy: in.busy, Concurrency: slots,
		Created: in.created, LastUsed: in.lastUsed}
}

// live reports whether the instance is starting or ready: it serves, or
// will, and counts towards its pool's targets.
func (in *instance) live() bool { return in.state == StateStarting || in.state == StateReady }

// idle reports whether the instance is ready with no request running.
func (in *instance) idle() bool { return in.state == StateReady && in.busy == 0 }

// take gives one slot to a request.
func (in *instance) take(now time.Time) {
	in.busy++
	in.lastUsed = now
}
