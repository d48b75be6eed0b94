package trigger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Defaults for the zero fields of a Config.
const (
	DefaultMissedGrace = 5 * time.Minute
	DefaultFireTimeout = 30 * time.Second
)

// Leader says whether this node fires timers. In a cluster only the elected
// leader does; a single node always does (a nil Leader).
type Leader interface {
	IsLeader() bool
}

// Config configures a Scheduler.
type Config struct {
	// Fire is called for each fire, one at a time, from the scheduler's
	// goroutine; it should submit an async invocation and return. Its error
	// is logged: the fire is not repeated.
	Fire func(ctx context.Context, f TimerFire) error
	// Leader gates firing; nil means always fire.
	Leader Leader
	// MissedGrace is how old a missed fire may be and still be made up when
	// a timer is added (see the package doc). Default 5m; negative: never.
	MissedGrace time.Duration
	// FireTimeout bounds one call of Fire. Default 30s.
	FireTimeout time.Duration
}

// Validate reports the first field that holds a bad value.
func (c *Config) Validate() error {
	switch {
	case c.Fire == nil:
		return errors.New("trigger config: Fire is required")
	case c.FireTimeout < 0:
		return fmt.Errorf("trigger config: FireTimeout %v: must not be negative", c.FireTimeout)
	}
	return nil
}

// Scheduler fires timers; see the package doc.
type Scheduler struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	entries map[string]*entry

	wake    chan struct{} // buffered 1: a timer changed
	stop    chan struct{} // closed by Close
	done    chan struct{} // closed when run returns
	ctx     context.Context
	cancel  context.CancelFunc
	started sync.Once
	closed  sync.Once
}

// entry is a timer and its next fire (zero: none, e.g. disabled).
type entry struct {
	timer Timer
	sched Schedule
	next  time.Time
}

// NewScheduler returns a Scheduler; timers fire once Start is called.
func NewScheduler(cfg Config, log *slog.Logger) (*Scheduler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.MissedGrace == 0 {
		cfg.MissedGrace = DefaultMissedGrace
	}
	if cfg.FireTimeout == 0 {
		cfg.FireTimeout = DefaultFireTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{cfg: cfg, log: log, entries: make(map[string]*entry),
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Add registers a timer. A timer whose LastFire shows a fire missed within
// MissedGrace fires once at once. It fails if the id is taken or the
// expression does not parse (an *fc.Error InvalidArgument).
func (s *Scheduler) Add(t Timer) error {
	sched, err := ParseCron(t.CronExpression, t.TimeZone)
	if err != nil {
		return err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[t.ID]; ok {
		return fmt.Errorf("timer %q: already added", t.ID)
	}
	e := &entry{timer: t, sched: sched}
	if t.Enabled {
		e.next = firstFire(sched, t.LastFire, now, s.cfg.MissedGrace)
	}
	s.entries[t.ID] = e
	s.poke()
	return nil
}

// Update replaces a timer's configuration; its schedule restarts from now
// (a changed timer makes up no missed fire).
func (s *Scheduler) Update(t Timer) error {
	sched, err := ParseCron(t.CronExpression, t.TimeZone)
	if err != nil {
		return err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[t.ID]
	if !ok {
		return fmt.Errorf("timer %q: not added", t.ID)
	}
	if e.timer.LastFire.After(t.LastFire) {
		t.LastFire = e.timer.LastFire
	}
	e.timer, e.sched, e.next = t, sched, time.Time{}
	if t.Enabled {
		e.next = sched.Next(now)
	}
	s.poke()
	return nil
}

// Remove forgets a timer; it reports whether there was one.
func (s *Scheduler) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.entries[id]
	delete(s.entries, id)
	s.poke()
	return ok
}

// Next returns when a timer fires next (zero if it does not), and whether
// the timer exists.
func (s *Scheduler) Next(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok {
		return time.Time{}, false
	}
	return e.next, true
}

// poke wakes the loop to look at the timers again; it never blocks.
// Called with s.mu held.
func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Start starts firing. Calling it again does nothing.
func (s *Scheduler) Start() {
	s.started.Do(func() { go s.run() })
}

// Close stops firing, cancels a Fire in progress and waits for the loop to
// return. It is idempotent.
func (s *Scheduler) Close() {
	s.closed.Do(func() {
		close(s.stop)
		s.cancel()
	})
	s.started.Do(func() { close(s.done) }) // never started: nothing to wait for
	<-s.done
}
