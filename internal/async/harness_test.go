package async

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

const testAccount = "1234567890"

// testConfig is a Config for one test: an embedded server on a random
// loopback port, a store in a temporary directory, short backoffs.
func testConfig(t *testing.T) Config {
	t.Helper()
	return Config{
		StoreDir: t.TempDir(), EmbeddedListen: "127.0.0.1:0",
		AckWait: 2 * time.Second, RetryBase: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		ScanInterval: 200 * time.Millisecond, WebhookTimeout: 5 * time.Second, WebhookAttempts: 2,
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// newService starts a service that Cleanup closes. start false leaves it
// accepting but not executing.
func newService(t *testing.T, cfg Config, inv Invoker, configs ConfigSource, start bool) *Service {
	t.Helper()
	s, err := New(cfg, inv, configs, testLogger(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if start {
		startService(t, s)
	}
	return s
}

func startService(t *testing.T, s *Service) {
	t.Helper()
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
}

// submit submits a payload to function fn with task id id ("" generates one).
func submit(t *testing.T, s *Service, fn, id, payload string) *Accepted {
	t.Helper()
	a, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: fn, TaskID: id, Payload: []byte(payload)})
	if err != nil {
		t.Fatalf("Submit %s/%s: %v", fn, id, err)
	}
	return a
}

// eventually polls cond until it holds, failing the test after a generous
// deadline (the machine is slow and shared). cond describes what it saw.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, saw := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not so after 60s; last saw %s", what, saw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitStatus waits for the task to reach status and returns it.
func waitStatus(t *testing.T, s *Service, fn, id, status string) *fc.AsyncTask {
	t.Helper()
	var task *fc.AsyncTask
	eventually(t, fmt.Sprintf("task %s/%s %s", fn, id, status), func() (bool, string) {
		var err error
		task, err = s.GetTask(context.Background(), testAccount, fn, id)
		if err != nil {
			return false, err.Error()
		}
		return task.Status == status, "status " + task.Status
	})
	return task
}

func eventStatuses(task *fc.AsyncTask) []string {
	var out []string
	for _, e := range task.Events {
		out = append(out, e.Status)
	}
	return out
}

// fakeInvoker records calls and answers with behave (nil: succeed with
// "ok:" + payload). n is the number of this task's call, from 1.
type fakeInvoker struct {
	behave func(ctx context.Context, c *Call, n int) (*Outcome, error)

	mu         sync.Mutex
	calls      []Call
	perTask    map[string]int
	times      map[string][]time.Time
	running    map[string]int // by function
	maxRunning map[string]int
}

func newFake(behave func(ctx context.Context, c *Call, n int) (*Outcome, error)) *fakeInvoker {
	return &fakeInvoker{behave: behave, perTask: map[string]int{}, times: map[string][]time.Time{},
		running: map[string]int{}, maxRunning: map[string]int{}}
}

func (f *fakeInvoker) Invoke(ctx context.Context, c *Call) (*Outcome, error) {
	f.mu.Lock()
	f.calls = append(f.calls, *c)
	key := c.Function + "/" + c.TaskID
	f.perTask[key]++
	n := f.perTask[key]
	f.times[key] = append(f.times[key], time.Now())
	f.running[c.Function]++
	f.maxRunning[c.Function] = max(f.maxRunning[c.Function], f.running[c.Function])
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running[c.Function]--
		f.mu.Unlock()
	}()
	if f.behave == nil {
		return &Outcome{Body: append([]byte("ok:"), c.Payload...)}, nil
	}
	return f.behave(ctx, c, n)
}

func (f *fakeInvoker) count(fn, id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.perTask[fn+"/"+id]
}

func (f *fakeInvoker) callsTo(fn string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(f.calls), func(c Call) bool { return c.Function != fn })
}

func (f *fakeInvoker) attemptTimes(fn, id string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.times[fn+"/"+id])
}

func (f *fakeInvoker) peak(fn string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxRunning[fn]
}

// failFirst fails each task's first n calls with a function error.
func failFirst(n int) func(context.Context, *Call, int) (*Outcome, error) {
	return func(_ context.Context, c *Call, k int) (*Outcome, error) {
		if k <= n {
			return &Outcome{Body: []byte(`{"errorMessage":"boom"}`), ErrorType: "UnhandledInvocationError"}, nil
		}
		return &Outcome{Body: []byte("ok")}, nil
	}
}

// blockUntil blocks every call until gate closes or its context ends.
func blockUntil(gate <-chan struct{}) func(context.Context, *Call, int) (*Outcome, error) {
	return func(ctx context.Context, _ *Call, _ int) (*Outcome, error) {
		select {
		case <-gate:
			return &Outcome{Body: []byte("ok")}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// fakeConfigs is a ConfigSource backed by a map by function name.
type fakeConfigs struct {
	mu   sync.Mutex
	m    map[string]*fc.AsyncConfig
	gone map[string]bool
}

func (f *fakeConfigs) set(fn string, c *fc.AsyncConfig) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string]*fc.AsyncConfig{}
	}
	f.m[fn] = c
}

func (f *fakeConfigs) AsyncConfig(_ context.Context, _, fn, _ string) (*fc.AsyncConfig, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone[fn] {
		return nil, fmt.Errorf("function %s: %w", fn, ErrFunctionGone)
	}
	return f.m[fn], nil
}

// asyncConfig builds a config with retries, max age and destinations.
func asyncConfig(retries, maxAge int, onSuccess, onFailure string) *fc.AsyncConfig {
	c := &fc.AsyncConfig{MaxAsyncRetryAttempts: retries, MaxAsyncEventAgeInSeconds: maxAge}
	if onSuccess != "" || onFailure != "" {
		c.DestinationConfig = &fc.DestinationConfig{}
		if onSuccess != "" {
			c.DestinationConfig.OnSuccess = &fc.Destination{Destination: onSuccess}
		}
		if onFailure != "" {
			c.DestinationConfig.OnFailure = &fc.Destination{Destination: onFailure}
		}
	}
	return c
}

func wantFCError(t *testing.T, err error, status int, code string) {
	t.Helper()
	e, ok := fc.AsError(err)
	if !ok {
		t.Fatalf("got error %v, want an *fc.Error %d %s", err, status, code)
	}
	if e.Status != status || e.Code != code {
		t.Errorf("got %d %s (%s), want %d %s", e.Status, e.Code, e.Message, status, code)
	}
}

var errBoom = errors.New("boom")
