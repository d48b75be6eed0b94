package scheduler

import (
	"sync"
	"time"
)

// This file holds what the adaptive policies share: per-Key history and the
// keep-alive windows that their models derive from it.
//
// Idle time (IT) is, as in the ATC'20 paper, the time from the end of a
// Key's last request to the arrival of its next one; it is learned only
// when the Key was idle at that arrival. After the Key goes idle at E, a
// plan of windows {pre, end}, in order and apart, says when to hold an
// instance: from E+pre (a pre-warm, started lead earlier) to E+end, and
// none in between. A first window with pre == 0 keeps the instance that
// served the last request until E+end. An empty plan keeps nothing.

// window is one span of a plan, relative to the Key going idle.
type window struct {
	pre, end time.Duration
}

// model learns the idle times of one Key.
type model interface {
	// learn records one idle time and returns the Key's new plan.
	learn(it time.Duration, k *keyState) []window
}

// keyState is what an adaptive policy remembers of one Key.
type keyState struct {
	lastEnd   time.Time     // when a request of the Key last returned
	memoryMB  int           // the Key's instance memory; 0 unknown
	startTook time.Duration // a moving average of its instance starts
	learned   bool          // plan holds the model's answer
	plan      []window
	m         model
}

// windowed implements AdaptivePolicy on top of a model per Key.
type windowed struct {
	name     string
	newModel func() model
	initial  func(memoryMB int) []window // before anything is learned
	// lead starts pre-warms this many start times early (0: at the
	// window's opening, as the paper's policy does).
	lead float64

	mu   sync.Mutex // a leaf: taken under pool locks
	keys map[string]*keyState
}

func newWindowed(name string, initial func(memoryMB int) []window, lead float64, newModel func() model) *windowed {
	return &windowed{name: name, newModel: newModel, initial: initial, lead: lead, keys: make(map[string]*keyState)}
}

func (p *windowed) String() string { return p.name }

// keyLocked returns key's state, making it if needed.
func (p *windowed) keyLocked(key string) *keyState {
	k := p.keys[key]
	if k == nil {
		k = &keyState{m: p.newModel()}
		p.keys[key] = k
	}
	return k
}

// Observe implements AdaptivePolicy.
func (p *windowed) Observe(key string, ev Activity) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.keyLocked(key)
	switch ev.Kind {
	case Arrived:
		if ev.MemoryMB > 0 {
			k.memoryMB = ev.MemoryMB
		}
		if ev.Idle && !k.lastEnd.IsZero() {
			k.plan = k.m.learn(max(0, ev.At.Sub(k.lastEnd)), k)
			k.learned = true
		}
	case Released:
		if ev.At.After(k.lastEnd) {
			k.lastEnd = ev.At
		}
	case Started:
		if k.startTook == 0 {
			k.startTook = ev.StartTook
		} else {
			k.startTook = (3*k.startTook + ev.StartTook) / 4
		}
	}
}

// planOf returns k's plan: the model's once it has learned, else the
// initial one.
func (p *windowed) planOf(k *keyState) []window {
	if k.learned {
		return k.plan
	}
	return p.initial(k.memoryMB)
}

// ReclaimAt implements KeepAlivePolicy. An instance that served the Key's
// last request (it went idle at LastUsed) is kept until the end of a first
// window that needs no pre-warm, else stopped at once; one that became
// ready after it (a pre-warm) is kept until the end of the window it is
// in or comes before.
func (p *windowed) ReclaimAt(inst InstanceView) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.keys[inst.Key]
	var plan []window
	if k == nil {
		plan = p.initial(0)
	} else {
		plan = p.planOf(k)
	}
	if k == nil || k.lastEnd.IsZero() || !inst.LastUsed.After(k.lastEnd) {
		if len(plan) > 0 && plan[0].pre == 0 {
			return inst.LastUsed.Add(plan[0].end)
		}
		return inst.LastUsed
	}
	since := inst.LastUsed.Sub(k.lastEnd)
	for _, w := range plan {
		if since < w.end {
			return k.lastEnd.Add(w.end)
		}
	}
	return inst.LastUsed
}

// PrewarmAt implements AdaptivePolicy: lead start times before the next
// window that opens after E and has not closed at now.
func (p *windowed) PrewarmAt(key string, now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.keys[key]
	if k == nil || k.lastEnd.IsZero() {
		return time.Time{}
	}
	lead := time.Duration(p.lead * float64(k.startTook))
	for _, w := range p.planOf(k) {
		if w.pre > 0 && now.Before(k.lastEnd.Add(w.end)) {
			return k.lastEnd.Add(max(0, w.pre-lead))
		}
	}
	return time.Time{}
}

// NextCall implements AdaptivePolicy: the opening of the Key's next window
// (E itself when the first keeps the instance).
func (p *windowed) NextCall(key string) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.keys[key]
	if k == nil || k.lastEnd.IsZero() {
		return time.Time{}
	}
	plan := p.planOf(k)
	if len(plan) == 0 {
		return time.Time{}
	}
	return k.lastEnd.Add(plan[0].pre)
}

// Forget implements AdaptivePolicy.
func (p *windowed) Forget(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.keys, key)
}
