package replay

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// engine is a sandbox.Engine whose instances cost nothing but time: a start
// takes coldStart, an invocation takes the duration its body names (in
// nanoseconds). It measures each function's idle instance time: from ready
// to stopped, less the time one or more requests ran, up to horizon.
type engine struct {
	coldStart time.Duration
	horizon   time.Time

	mu   sync.Mutex
	idle map[string]time.Duration // by function
}

var _ sandbox.Engine = (*engine)(nil)

func newEngine(coldStart time.Duration, horizon time.Time) *engine {
	return &engine{coldStart: coldStart, horizon: horizon, idle: make(map[string]time.Duration)}
}

func (e *engine) Runtimes() []string { return []string{"replay"} }

func (e *engine) Start(ctx context.Context, spec *sandbox.Spec) (sandbox.Instance, error) {
	if err := sleep(ctx, e.coldStart, nil); err != nil {
		return nil, err
	}
	return &instance{eng: e, id: spec.InstanceID, function: spec.Function, idleSince: time.Now(), done: make(chan struct{})}, nil
}

// addIdle adds the part of [from, to) before the horizon to function's idle time.
func (e *engine) addIdle(function string, from, to time.Time) {
	if to.After(e.horizon) {
		to = e.horizon
	}
	if !to.After(from) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.idle[function] += to.Sub(from)
}

// idleTime returns each function's idle instance time.
func (e *engine) idleTime() map[string]time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]time.Duration, len(e.idle))
	for k, v := range e.idle {
		out[k] = v
	}
	return out
}

type instance struct {
	eng      *engine
	id       string
	function string
	done     chan struct{}

	mu        sync.Mutex
	busy      int
	idleSince time.Time
	stopped   bool
}

var _ sandbox.Instance = (*instance)(nil)

func (in *instance) ID() string            { return in.id }
func (in *instance) Done() <-chan struct{} { return in.done }

func (in *instance) Invoke(ctx context.Context, inv *sandbox.Invocation) (*sandbox.Result, error) {
	d, err := strconv.ParseInt(string(inv.Body), 10, 64)
	if err != nil {
		return nil, err
	}
	if !in.begin() {
		return nil, sandbox.ErrStopped
	}
	defer in.end()
	if err := sleep(ctx, time.Duration(d), in.done); err != nil {
		return nil, err
	}
	return &sandbox.Result{Status: 200}, nil
}

func (in *instance) begin() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.stopped {
		return false
	}
	if in.busy == 0 {
		in.eng.addIdle(in.function, in.idleSince, time.Now())
	}
	in.busy++
	return true
}

func (in *instance) end() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.busy--; in.busy == 0 {
		in.idleSince = time.Now()
	}
}

func (in *instance) Stop(context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.stopped {
		return nil
	}
	in.stopped = true
	if in.busy == 0 {
		in.eng.addIdle(in.function, in.idleSince, time.Now())
	}
	close(in.done)
	return nil
}

// sleep waits d, or until ctx ends or stop closes.
func sleep(ctx context.Context, d time.Duration, stop <-chan struct{}) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-stop:
		return sandbox.ErrStopped
	}
}

// code is a CodeSource with nothing to unpack.
type code struct{}

func (code) Acquire(context.Context, string) (string, func(), error) {
	return "/replay", func() {}, nil
}
