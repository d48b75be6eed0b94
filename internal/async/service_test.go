package async

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

func TestSubmitRunsTaskToSucceeded(t *testing.T) {
	inv := newFake(nil)
	s := newService(t, testConfig(t), inv, &fakeConfigs{}, true)
	a, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "hello",
		RequestID: "1-abc-def", TaskID: "task_1", Payload: []byte(`{"k":"v"}`)})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if a.TaskID != "task_1" || a.RequestID != "1-abc-def" {
		t.Errorf("got accepted %+v, want task_1 and 1-abc-def", a)
	}
	task := waitStatus(t, s, "hello", "task_1", fc.AsyncSucceeded)

	want := []string{fc.AsyncEnqueued, fc.AsyncDequeued, fc.AsyncRunning, fc.AsyncSucceeded}
	if got := eventStatuses(task); !slices.Equal(got, want) {
		t.Errorf("got events %v, want %v", got, want)
	}
	for i, e := range task.Events {
		if e.EventID != i+1 || e.Timestamp < task.StartedTime {
			t.Errorf("event %d: got id %d at %d, want id %d at or after %d", i, e.EventID, e.Timestamp, i+1, task.StartedTime)
		}
	}
	checkTask(t, task, fc.AsyncTask{TaskID: "task_1", RequestID: "1-abc-def", Qualifier: "LATEST",
		FunctionArn: "acs:fc:cn-yun:" + testAccount + ":functions/hello", TaskPayload: `{"k":"v"}`,
		ReturnPayload: `ok:{"k":"v"}`})
	if task.EndTime < task.StartedTime {
		t.Errorf("got endTime %d before startedTime %d", task.EndTime, task.StartedTime)
	}
	calls := inv.callsTo("hello")
	if len(calls) != 1 {
		t.Fatalf("got %d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Attempt != 1 || c.Qualifier != "LATEST" || c.RequestID != "1-abc-def" || string(c.Payload) != `{"k":"v"}` {
		t.Errorf("got call %+v, want attempt 1 of LATEST with the request id and payload", c)
	}
}

func checkTask(t *testing.T, got *fc.AsyncTask, want fc.AsyncTask) {
	t.Helper()
	if got.TaskID != want.TaskID || got.RequestID != want.RequestID || got.Qualifier != want.Qualifier ||
		got.FunctionArn != want.FunctionArn || got.TaskPayload != want.TaskPayload || got.ReturnPayload != want.ReturnPayload {
		t.Errorf("got task %+v, want %+v", *got, want)
	}
}

func TestSubmitGeneratesIDs(t *testing.T) {
	s := newService(t, testConfig(t), newFake(nil), &fakeConfigs{}, false)
	a := submit(t, s, "hello", "", "x")
	if err := fc.ValidTaskID(a.TaskID); err != nil {
		t.Errorf("generated task id: %v", err)
	}
	if !strings.HasPrefix(a.RequestID, "1-") {
		t.Errorf("got request id %q, want FC's 1-… shape", a.RequestID)
	}
	task, err := s.GetTask(context.Background(), testAccount, "hello", a.TaskID)
	if err != nil {
		t.Fatalf("GetTask: %v", err)
	}
	if task.Status != fc.AsyncEnqueued || task.RequestID != a.RequestID {
		t.Errorf("got %s with request %s, want Enqueued with %s", task.Status, task.RequestID, a.RequestID)
	}
}

func TestSubmitRefusals(t *testing.T) {
	s := newService(t, testConfig(t), newFake(nil), &fakeConfigs{}, false)
	submit(t, s, "hello", "job-1", "first")
	tests := []struct {
		name   string
		sub    Submission
		status int
		code   string
	}{
		{"repeated task id", Submission{Function: "hello", TaskID: "job-1", Payload: []byte("second")},
			http.StatusConflict, fc.CodeAsyncTaskAlreadyExists},
		{"payload over 128 KB", Submission{Function: "hello", Payload: make([]byte, fc.MaxAsyncPayload+1)},
			http.StatusBadRequest, fc.CodeEntityTooLarge},
		{"task id starting with a digit", Submission{Function: "hello", TaskID: "1job"},
			http.StatusBadRequest, fc.CodeInvalidArgument},
		{"task id of 129 characters", Submission{Function: "hello", TaskID: "j" + strings.Repeat("x", 128)},
			http.StatusBadRequest, fc.CodeInvalidArgument},
		{"bad function name", Submission{Function: "a.b"}, http.StatusBadRequest, fc.CodeInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.sub.AccountID = testAccount
			_, err := s.Submit(context.Background(), &tc.sub)
			wantFCError(t, err, tc.status, tc.code)
		})
	}
	t.Run("same task id in another function", func(t *testing.T) {
		submit(t, s, "other", "job-1", "x")
	})
	t.Run("payload of exactly 128 KB", func(t *testing.T) {
		submit(t, s, "hello", "", string(make([]byte, fc.MaxAsyncPayload)))
	})
}

func TestRepeatedTaskIDRunsOnce(t *testing.T) {
	inv := newFake(nil)
	s := newService(t, testConfig(t), inv, &fakeConfigs{}, true)
	submit(t, s, "hello", "once", "p")
	waitStatus(t, s, "hello", "once", fc.AsyncSucceeded)
	_, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "hello", TaskID: "once"})
	wantFCError(t, err, http.StatusConflict, fc.CodeAsyncTaskAlreadyExists)
	if n := inv.count("hello", "once"); n != 1 {
		t.Errorf("got %d runs, want 1", n)
	}
}

func TestRetriesFunctionErrorsWithBackoff(t *testing.T) {
	inv := newFake(failFirst(2))
	cfg := testConfig(t)
	s := newService(t, cfg, inv, &fakeConfigs{}, true)
	submit(t, s, "flaky", "t1", "p")
	task := waitStatus(t, s, "flaky", "t1", fc.AsyncSucceeded)

	if task.AlreadyRetriedTimes != 2 {
		t.Errorf("got alreadyRetriedTimes %d, want 2", task.AlreadyRetriedTimes)
	}
	want := []string{fc.AsyncEnqueued, fc.AsyncDequeued, fc.AsyncRunning, fc.AsyncRetrying, fc.AsyncRunning,
		fc.AsyncRetrying, fc.AsyncRunning, fc.AsyncSucceeded}
	if got := eventStatuses(task); !slices.Equal(got, want) {
		t.Errorf("got events %v, want %v", got, want)
	}
	if d := task.Events[3].EventDetail; d != `{"Error":"UnhandledInvocationError"}` {
		t.Errorf("got Retrying detail %q, want the error type", d)
	}
	var attempts []int
	for _, c := range inv.callsTo("flaky") {
		attempts = append(attempts, c.Attempt)
	}
	if !slices.Equal(attempts, []int{1, 2, 3}) {
		t.Errorf("got attempts %v, want [1 2 3]", attempts)
	}
	// Retry n waits at least half of RetryBase·2^(n-1) (equal jitter); a slow
	// machine only makes the gaps longer.
	times := inv.attemptTimes("flaky", "t1")
	for n := 1; n < len(times); n++ {
		least := cfg.RetryBase << (n - 1) / 2
		if gap := times[n].Sub(times[n-1]); gap < least {
			t.Errorf("retry %d came %v after the attempt before, want at least %v", n, gap, least)
		}
	}
}

func TestRetriesExhaustedFail(t *testing.T) {
	tests := []struct {
		name     string
		retries  int
		wantRuns int
	}{
		{"no retries", 0, 1},
		{"two retries", 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := newFake(failFirst(100))
			configs := &fakeConfigs{}
			configs.set("bad", asyncConfig(tc.retries, 3600, "", ""))
			s := newService(t, testConfig(t), inv, configs, true)
			submit(t, s, "bad", "t1", "p")
			task := waitStatus(t, s, "bad", "t1", fc.AsyncFailed)
			if n := inv.count("bad", "t1"); n != tc.wantRuns {
				t.Errorf("got %d runs, want %d", n, tc.wantRuns)
			}
			if task.AlreadyRetriedTimes != tc.retries || task.TaskErrorMessage != "UnhandledInvocationError" {
				t.Errorf("got %d retries and error %q, want %d and UnhandledInvocationError",
					task.AlreadyRetriedTimes, task.TaskErrorMessage, tc.retries)
			}
			if task.DestinationStatus != "" {
				t.Errorf("got destinationStatus %q without a destination, want none", task.DestinationStatus)
			}
		})
	}
}

func TestThrottledRetriesDoNotUseTheBudget(t *testing.T) {
	inv := newFake(func(_ context.Context, _ *Call, n int) (*Outcome, error) {
		if n <= 3 {
			return nil, ErrThrottled
		}
		return &Outcome{Body: []byte("ok")}, nil
	})
	configs := &fakeConfigs{}
	configs.set("busy", asyncConfig(1, 3600, "", ""))
	s := newService(t, testConfig(t), inv, configs, true)
	submit(t, s, "busy", "t1", "p")
	task := waitStatus(t, s, "busy", "t1", fc.AsyncSucceeded)
	if task.AlreadyRetriedTimes != 0 {
		t.Errorf("got alreadyRetriedTimes %d after throttles only, want 0", task.AlreadyRetriedTimes)
	}
	if n := inv.count("busy", "t1"); n != 4 {
		t.Errorf("got %d attempts, want 4 (3 throttled, 1 run)", n)
	}
}

// TestRefusedAttemptsUseTheBudget: an attempt the platform refuses for good
// (invocations disabled) counts like a function error: the task fails after
// its retries with the refusal's Code, instead of coming back until its
// maximum age.
func TestRefusedAttemptsUseTheBudget(t *testing.T) {
	refusal := fc.Errorf(http.StatusForbidden, "FunctionInvocationDisabled", "invocations of function 'off' are disabled")
	inv := newFake(func(context.Context, *Call, int) (*Outcome, error) {
		return nil, errors.Join(ErrRefused, refusal)
	})
	configs := &fakeConfigs{}
	configs.set("off", asyncConfig(2, 3600, "", ""))
	s := newService(t, testConfig(t), inv, configs, true)
	submit(t, s, "off", "t1", "p")
	task := waitStatus(t, s, "off", "t1", fc.AsyncFailed)
	if task.AlreadyRetriedTimes != 2 || task.TaskErrorMessage != "FunctionInvocationDisabled" {
		t.Errorf("got %d retries and error %q, want 2 and FunctionInvocationDisabled", task.AlreadyRetriedTimes, task.TaskErrorMessage)
	}
	if n := inv.count("off", "t1"); n != 3 {
		t.Errorf("got %d attempts, want 3 (1 + 2 retries)", n)
	}
}

func TestFunctionGoneEndsInvalidWithoutRetries(t *testing.T) {
	tests := []struct {
		name      string
		invokeErr bool // Invoke says gone (else the ConfigSource does)
		wantRuns  int
	}{
		{"invoker reports it", true, 1},
		{"config source reports it", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := newFake(func(context.Context, *Call, int) (*Outcome, error) { return nil, ErrFunctionGone })
			configs := &fakeConfigs{gone: map[string]bool{"deleted": !tc.invokeErr}}
			s := newService(t, testConfig(t), inv, configs, true)
			submit(t, s, "deleted", "t1", "p")
			task := waitStatus(t, s, "deleted", "t1", fc.AsyncInvalid)
			if n := inv.count("deleted", "t1"); n != tc.wantRuns {
				t.Errorf("got %d runs, want %d", n, tc.wantRuns)
			}
			if task.TaskErrorMessage != fc.CodeFunctionNotFound {
				t.Errorf("got error %q, want %s", task.TaskErrorMessage, fc.CodeFunctionNotFound)
			}
		})
	}
}

func TestExpiredEventsAreNotRun(t *testing.T) {
	inv := newFake(nil)
	configs := &fakeConfigs{}
	configs.set("late", asyncConfig(3, 60, "", ""))
	s := newService(t, testConfig(t), inv, configs, false)
	submit(t, s, "late", "old", "p")
	s.now = func() time.Time { return time.Now().Add(61 * time.Second) } // the event waited past its age
	startService(t, s)
	task := waitStatus(t, s, "late", "old", fc.AsyncExpired)
	if n := inv.count("late", "old"); n != 0 {
		t.Errorf("got %d runs of an expired event, want 0", n)
	}
	if task.TaskErrorMessage != "EventAgeExceeded" {
		t.Errorf("got error %q, want EventAgeExceeded", task.TaskErrorMessage)
	}
}

func TestRetryNeverWaitsPastExpiry(t *testing.T) {
	inv := newFake(failFirst(100))
	configs := &fakeConfigs{}
	configs.set("slowretry", asyncConfig(8, 1, "", ""))
	cfg := testConfig(t)
	cfg.RetryBase, cfg.RetryMax = time.Hour, time.Hour
	s := newService(t, cfg, inv, configs, true)
	submit(t, s, "slowretry", "t1", "p")
	task := waitStatus(t, s, "slowretry", "t1", fc.AsyncExpired)
	if n := inv.count("slowretry", "t1"); n != 1 {
		t.Errorf("got %d runs, want 1 (the hour-long retry is cut at the 1 s expiry)", n)
	}
	if task.AlreadyRetriedTimes != 1 {
		t.Errorf("got alreadyRetriedTimes %d, want 1", task.AlreadyRetriedTimes)
	}
}

// TestRecordFollowsTheMessage publishes messages behind Submit's back, as a
// crash or a late repeat would leave them: a message without a record runs
// (its record is written from it), and a second message for a task whose
// record names another is skipped even while the first runs.
func TestRecordFollowsTheMessage(t *testing.T) {
	ctx := context.Background()
	t.Run("message without a record", func(t *testing.T) {
		inv := newFake(nil)
		s := newService(t, testConfig(t), inv, &fakeConfigs{}, true)
		f := fnRef{testAccount, "fn"}
		orphan := newRecord(f, s.arn(f), "LATEST", "1-req", "orphan", 0, time.Now())
		if _, err := s.js.PublishMsg(ctx, message(orphan, []byte("p"))); err != nil {
			t.Fatalf("publish: %v", err)
		}
		s.ensureWorker(f)
		task := waitStatus(t, s, "fn", "orphan", fc.AsyncSucceeded)
		if task.RequestID != "1-req" || inv.count("fn", "orphan") != 1 {
			t.Errorf("got request %s after %d runs, want 1-req after 1", task.RequestID, inv.count("fn", "orphan"))
		}
		_, err := s.Submit(ctx, &Submission{AccountID: testAccount, Function: "fn", TaskID: "orphan"})
		wantFCError(t, err, http.StatusConflict, fc.CodeAsyncTaskAlreadyExists)
	})
	t.Run("repeat past the dedup window", func(t *testing.T) {
		gate := make(chan struct{})
		inv := newFake(blockUntil(gate))
		cfg := testConfig(t)
		cfg.MaxConcurrencyPerFunction = 2 // both messages are fetched together
		s := newService(t, cfg, inv, &fakeConfigs{}, false)
		submit(t, s, "fn", "dup", "p")
		r, _, err := s.tasks.get(ctx, fnRef{testAccount, "fn"}.taskKey("dup"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.js.PublishMsg(ctx, message(r, []byte("p"))); err != nil { // no Msg-Id: not deduplicated
			t.Fatalf("publish: %v", err)
		}
		startService(t, s)
		eventually(t, "the repeat acked while the first runs", func() (bool, string) {
			info, err := s.stream.Info(ctx)
			return err == nil && info.State.Msgs == 1 && inv.count("fn", "dup") == 1, "not yet"
		})
		close(gate)
		waitStatus(t, s, "fn", "dup", fc.AsyncSucceeded)
		if n := inv.count("fn", "dup"); n != 1 {
			t.Errorf("got %d runs, want 1: the repeat must be skipped", n)
		}
	})
}

// TestQueueBoundPerFunction: a function with MaxQueuedPerFunction
// invocations not yet finished refuses the next submission with a 429 that
// says so; another function is still accepted.
func TestQueueBoundPerFunction(t *testing.T) {
	cfg := testConfig(t)
	cfg.MaxQueuedPerFunction = 3
	s := newService(t, cfg, newFake(nil), &fakeConfigs{}, false) // accepting, not executing: they stay queued
	for i := range 3 {
		submit(t, s, "full", fmt.Sprint("t", i), "p")
	}
	_, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "full", TaskID: "t3", Payload: []byte("p")})
	e, ok := fc.AsError(err)
	if !errors.Is(err, ErrQueueFull) || !ok || e.Status != http.StatusTooManyRequests || e.RetryAfter == 0 {
		t.Errorf("the 4th submission: got %v, want 429 ErrQueueFull with a retry-after", err)
	}
	if _, err := s.GetTask(context.Background(), testAccount, "full", "t3"); err == nil {
		t.Errorf("the refused task has a record")
	}
	submit(t, s, "other", "t0", "p")
}
