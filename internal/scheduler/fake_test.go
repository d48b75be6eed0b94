package scheduler

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// fakeEngine starts fakeInstances. It records what happened so tests can
// check the scheduler's promises: every request delivered once, no instance
// over its concurrency, every instance stopped.
type fakeEngine struct {
	startDelay  time.Duration
	invokeDelay time.Duration
	slots       int // the most requests an instance may run at once; 0 = unchecked
	// failStart, when set, decides whether the n-th start (1-based) fails.
	failStart func(n int) error

	mu         sync.Mutex
	starts     int
	startTimes []time.Time
	instances  []*fakeInstance
	delivered  map[string]int // request ID → deliveries
	overload   int            // invocations that found their instance full
}

var _ sandbox.Engine = (*fakeEngine)(nil)

func (e *fakeEngine) Runtimes() []string { return []string{"fake"} }

func (e *fakeEngine) Start(ctx context.Context, spec *sandbox.Spec) (sandbox.Instance, error) {
	e.mu.Lock()
	e.starts++
	n := e.starts
	e.startTimes = append(e.startTimes, time.Now())
	e.mu.Unlock()
	if spec.InstanceID == "" || spec.CodeDir == "" {
		return nil, fmt.Errorf("fake: spec without InstanceID or CodeDir: %+v", spec)
	}
	if err := sleep(ctx, e.startDelay, nil); err != nil {
		return nil, err
	}
	if e.failStart != nil {
		if err := e.failStart(n); err != nil {
			return nil, err
		}
	}
	in := &fakeInstance{eng: e, id: spec.InstanceID, done: make(chan struct{})}
	e.mu.Lock()
	e.instances = append(e.instances, in)
	e.mu.Unlock()
	return in, nil
}

// stats returns the number of starts and of instances running now.
func (e *fakeEngine) stats() (starts, running int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, in := range e.instances {
		if !in.isStopped() {
			running++
		}
	}
	return e.starts, running
}

func (e *fakeEngine) instance(i int) *fakeInstance {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.instances[i]
}

// fakeInstance runs requests by their body: "broken" answers with Broken
// set, "error" fails to deliver, "unsent" is a caller gone before the
// request was sent (ctx's error with a Result not Broken), "sleep <duration>" takes that long; anything
// else takes the engine's invokeDelay. The result's body is the instance ID.
type fakeInstance struct {
	eng  *fakeEngine
	id   string
	done chan struct{}

	mu      sync.Mutex
	busy    int
	served  int
	stopped bool
	crashed bool
}

var _ sandbox.Instance = (*fakeInstance)(nil)

func (in *fakeInstance) ID() string            { return in.id }
func (in *fakeInstance) Done() <-chan struct{} { return in.done }

func (in *fakeInstance) Invoke(ctx context.Context, inv *sandbox.Invocation) (*sandbox.Result, error) {
	if !in.begin(inv.RequestID) {
		return nil, sandbox.ErrStopped
	}
	defer in.end()
	body := string(inv.Body)
	delay := in.eng.invokeDelay
	if d, ok := strings.CutPrefix(body, "sleep "); ok {
		delay, _ = time.ParseDuration(d)
	}
	if err := sleep(ctx, delay, in.done); err != nil {
		return nil, err
	}
	switch body {
	case "error":
		return nil, fmt.Errorf("fake: connection refused")
	case "broken":
		return &sandbox.Result{Status: 200, Body: []byte(in.id), ErrorType: sandbox.ErrorUnhandled, Broken: true}, nil
	case "unsent":
		return &sandbox.Result{Status: 200, Body: []byte(in.id), ErrorType: sandbox.ErrorUnhandled}, context.Canceled
	}
	return &sandbox.Result{Status: 200, Body: []byte(in.id)}, nil
}

func (in *fakeInstance) begin(requestID string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.stopped || in.crashed {
		return false
	}
	in.busy++
	in.served++
	e := in.eng
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.slots > 0 && in.busy > e.slots {
		e.overload++
	}
	if e.delivered == nil {
		e.delivered = make(map[string]int)
	}
	e.delivered[requestID]++
	return true
}

func (in *fakeInstance) end() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.busy--
}

func (in *fakeInstance) Stop(context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.stopped {
		in.stopped = true
		if !in.crashed {
			close(in.done)
		}
	}
	return nil
}

// crash makes the instance exit on its own.
func (in *fakeInstance) crash() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.stopped && !in.crashed {
		in.crashed = true
		close(in.done)
	}
}

func (in *fakeInstance) isStopped() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.stopped
}

func (in *fakeInstance) servedCount() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.served
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

// fakeCode hands out code directories and counts what is held.
type fakeCode struct {
	err error

	mu       sync.Mutex
	acquired int
	held     int
}

func (c *fakeCode) Acquire(ctx context.Context, checksum string) (string, func(), error) {
	if c.err != nil {
		return "", nil, c.err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acquired++
	c.held++
	var once sync.Once
	return "/code/" + checksum, func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.held--
		})
	}, nil
}

func (c *fakeCode) holding() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.held
}

// harness is a scheduler on a fake engine.
type harness struct {
	t    *testing.T
	s    *Scheduler
	eng  *fakeEngine
	code *fakeCode
}

func newHarness(t *testing.T, cfg Config, eng *fakeEngine) *harness {
	t.Helper()
	code := &fakeCode{}
	s, err := New(cfg, eng, code, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &harness{t: t, s: s, eng: eng, code: code}
}

func target(function string, slots int) *Target {
	return &Target{
		Key: function + "/LATEST/1", Function: function, CodeChecksum: "123",
		Spec:        sandbox.Spec{Function: function, Runtime: "fake"},
		Concurrency: slots, Timeout: time.Minute,
	}
}

func (h *harness) invoke(ctx context.Context, t *Target, id, body string) (*sandbox.Result, error) {
	return h.s.Invoke(ctx, t, &sandbox.Invocation{RequestID: id, Body: []byte(body)})
}

// invokeAsync runs invoke in a goroutine and returns where its outcome will
// arrive.
func (h *harness) invokeAsync(t *Target, id, body string) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		res, err := h.invoke(context.Background(), t, id, body)
		ch <- outcome{res, err, time.Now()}
	}()
	return ch
}

type outcome struct {
	res *sandbox.Result
	err error
	at  time.Time
}

// close closes the scheduler and checks that nothing is left running.
func (h *harness) close() {
	h.t.Helper()
	if err := h.s.Close(context.Background()); err != nil {
		h.t.Errorf("Close: %v", err)
	}
	h.checkAllStopped()
}

func (h *harness) checkAllStopped() {
	h.t.Helper()
	if _, running := h.eng.stats(); running != 0 {
		h.t.Errorf("got %d instances running after Close, want 0", running)
	}
	if held := h.code.holding(); held != 0 {
		h.t.Errorf("got %d code directories held after Close, want 0", held)
	}
}

func (e *fakeEngine) byID(id string) *fakeInstance {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, in := range e.instances {
		if in.id == id {
			return in
		}
	}
	panic("fake: no instance " + id)
}

// deliveries returns how often each request was delivered and how many
// invocations found their instance full.
func (e *fakeEngine) deliveries() (map[string]int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.delivered), e.overload
}

// crashAll makes every instance exit on its own.
func (e *fakeEngine) crashAll() {
	e.mu.Lock()
	insts := slices.Clone(e.instances)
	e.mu.Unlock()
	for _, in := range insts {
		in.crash()
	}
}
