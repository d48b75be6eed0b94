package scheduler

import (
	"context"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler/provision"
)

// Provisioning loop timing.
const (
	provisionInterval = time.Second
	// trackingSpan is the window over which target tracking averages the
	// in-flight requests of a Key.
	trackingSpan  = 10 * time.Second
	sourceTimeout = 5 * time.Second
)

// ProvisionEntry is one provision config: the Target it applies to (the
// current revision of a function qualifier) and the config as stored.
type ProvisionEntry struct {
	Target *Target
	Config *fc.PutProvisionConfigInput
}

// ProvisionSource lists the provision configs in force. The API implements
// it: it knows how configs are stored and how a function becomes a Target.
type ProvisionSource interface {
	ProvisionConfigs(ctx context.Context) ([]ProvisionEntry, error)
}

// reconciler is the provisioning loop's state, owned by its goroutine.
type reconciler struct {
	s       *Scheduler
	src     ProvisionSource
	set     map[string]*Target           // Keys given a target last round
	windows map[string]*provision.Window // in-flight samples by Key
}

// StartProvisioning starts the loop that keeps every provisioned Key at
// the target its config asks for now (see package provision): every second
// and at once after ProvisionChanged. A Key whose config disappeared goes
// back to 0. Close stops the loop before anything else. Call it once.
func (s *Scheduler) StartProvisioning(src ProvisionSource) {
	r := &reconciler{s: s, src: src, set: make(map[string]*Target), windows: make(map[string]*provision.Window)}
	s.group.Go(r.run)
}

// ProvisionChanged asks the provisioning loop to apply the configs now. It
// never blocks.
func (s *Scheduler) ProvisionChanged() {
	select {
	case s.provisionCh <- struct{}{}:
	default:
	}
}

func (r *reconciler) run() {
	tick := time.NewTicker(provisionInterval)
	defer tick.Stop()
	for {
		r.round(time.Now())
		select {
		case <-r.s.stopProvisioning:
			return
		case <-tick.C:
		case <-r.s.provisionCh:
		}
	}
}

// round applies every config once.
func (r *reconciler) round(now time.Time) {
	ctx, cancel := context.WithTimeout(r.s.startCtx, sourceTimeout)
	defer cancel()
	entries, err := r.src.ProvisionConfigs(ctx)
	if err != nil {
		r.s.log.Warn("provisioning: list provision configs", "err", err)
		return
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		seen[e.Target.Key] = true
		r.apply(now, e)
	}
	for key, t := range r.set {
		if !seen[key] {
			r.s.SetProvisioned(t, 0)
			delete(r.set, key)
			delete(r.windows, key)
		}
	}
}

// apply computes one Key's target and hands it to the scheduler.
func (r *reconciler) apply(now time.Time, e ProvisionEntry) {
	plan, err := provision.Compile(e.Config)
	if err != nil {
		r.s.log.Warn("provisioning: bad stored config", "function", e.Target.Function, "err", err)
		return
	}
	target := plan.Target(now, r.observe(now, e.Target, plan))
	if err := r.s.SetProvisioned(e.Target, target); err != nil {
		r.s.log.Warn("provisioning: set target", "function", e.Target.Function, "err", err)
		return
	}
	r.set[e.Target.Key] = e.Target
}

// observe samples the Key's in-flight requests into its window, for plans
// that track load.
func (r *reconciler) observe(now time.Time, t *Target, plan *provision.Plan) provision.Load {
	if !plan.Tracks() {
		return provision.Load{}
	}
	w := r.windows[t.Key]
	if w == nil {
		w = &provision.Window{Span: trackingSpan}
		r.windows[t.Key] = w
	}
	w.Add(now, float64(r.s.inFlight(t.Key)))
	return provision.Load{InFlight: w.Mean(), Slots: t.slots()}
}

// inFlight returns the requests running or waiting on key.
func (s *Scheduler) inFlight(key string) int {
	s.mu.Lock()
	p := s.pools[key]
	s.mu.Unlock()
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.demandLocked()
	return d.inflight + d.queued
}
