package async

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

func TestStopQueuedTaskNeverRuns(t *testing.T) {
	inv := newFake(nil)
	s := newService(t, testConfig(t), inv, &fakeConfigs{}, false)
	submit(t, s, "fn", "queued", "p")
	submit(t, s, "fn", "other", "p")
	if err := s.StopTask(context.Background(), testAccount, "fn", "queued"); err != nil {
		t.Fatalf("StopTask: %v", err)
	}
	startService(t, s)
	waitStatus(t, s, "fn", "other", fc.AsyncSucceeded)
	task := waitStatus(t, s, "fn", "queued", fc.AsyncStopped)
	if n := inv.count("fn", "queued"); n != 0 {
		t.Errorf("got %d runs of a stopped task, want 0", n)
	}
	if want := []string{fc.AsyncEnqueued, fc.AsyncStopped}; !slices.Equal(eventStatuses(task), want) {
		t.Errorf("got events %v, want %v", eventStatuses(task), want)
	}
}

func TestStopTaskWaitingForRetry(t *testing.T) {
	inv := newFake(failFirst(100))
	cfg := testConfig(t)
	cfg.RetryBase, cfg.RetryMax = time.Hour, time.Hour // the retry would come much later
	s := newService(t, cfg, inv, &fakeConfigs{}, true)
	submit(t, s, "fn", "t1", "p")
	waitStatus(t, s, "fn", "t1", fc.AsyncRetrying)
	if err := s.StopTask(context.Background(), testAccount, "fn", "t1"); err != nil {
		t.Fatalf("StopTask: %v", err)
	}
	task := waitStatus(t, s, "fn", "t1", fc.AsyncStopped)
	if task.EndTime == 0 {
		t.Errorf("got no endTime on a stopped task")
	}
	if n := inv.count("fn", "t1"); n != 1 {
		t.Errorf("got %d runs, want 1", n)
	}
}

func TestStopRunningTaskCancelsIt(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	cancelled := make(chan error, 1)
	inv := newFake(func(ctx context.Context, _ *Call, _ int) (*Outcome, error) {
		select {
		case <-gate:
			return &Outcome{}, nil
		case <-ctx.Done():
			cancelled <- context.Cause(ctx)
			return nil, ctx.Err()
		}
	})
	s := newService(t, testConfig(t), inv, &fakeConfigs{}, true)
	submit(t, s, "fn", "t1", "p")
	waitStatus(t, s, "fn", "t1", fc.AsyncRunning)
	if err := s.StopTask(context.Background(), testAccount, "fn", "t1"); err != nil {
		t.Fatalf("StopTask: %v", err)
	}
	task := waitStatus(t, s, "fn", "t1", fc.AsyncStopped)
	if cause := <-cancelled; !errors.Is(cause, errStopRequested) {
		t.Errorf("got cancel cause %v, want errStopRequested", cause)
	}
	want := []string{fc.AsyncEnqueued, fc.AsyncDequeued, fc.AsyncRunning, fc.AsyncStopping, fc.AsyncStopped}
	if got := eventStatuses(task); !slices.Equal(got, want) {
		t.Errorf("got events %v, want %v", got, want)
	}
	if n := inv.count("fn", "t1"); n != 1 {
		t.Errorf("got %d runs, want 1", n)
	}
}

func TestStopRefusals(t *testing.T) {
	s := newService(t, testConfig(t), newFake(nil), &fakeConfigs{}, true)
	submit(t, s, "fn", "done", "p")
	waitStatus(t, s, "fn", "done", fc.AsyncSucceeded)
	tests := []struct {
		name, fn, id string
		status       int
		code         string
	}{
		{"finished task", "fn", "done", http.StatusConflict, fc.CodeAsyncTaskFinished},
		{"unknown task", "fn", "nope", http.StatusNotFound, fc.CodeAsyncTaskNotFound},
		{"invalid task id", "fn", "1bad", http.StatusNotFound, fc.CodeAsyncTaskNotFound},
		{"task of another function", "other", "done", http.StatusNotFound, fc.CodeAsyncTaskNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantFCError(t, s.StopTask(context.Background(), testAccount, tc.fn, tc.id), tc.status, tc.code)
		})
	}
	t.Run("stopping twice", func(t *testing.T) {
		submitOnly := newService(t, testConfig(t), newFake(nil), &fakeConfigs{}, false)
		submit(t, submitOnly, "fn", "t", "p")
		for i := range 2 {
			if err := submitOnly.StopTask(context.Background(), testAccount, "fn", "t"); err != nil {
				t.Errorf("stop %d: got %v, want nil", i+1, err)
			}
		}
	})
}

func TestGetUnknownTask(t *testing.T) {
	s := newService(t, testConfig(t), newFake(nil), &fakeConfigs{}, false)
	_, err := s.GetTask(context.Background(), testAccount, "fn", "missing")
	wantFCError(t, err, http.StatusNotFound, fc.CodeAsyncTaskNotFound)
}

// TestStoreDownIsServiceUnavailable: when the task store cannot be reached,
// reading or stopping a task answers 503 ServiceUnavailable with a
// retry-after (worth retrying), not a 500, and not a 404 that would say the
// task does not exist.
func TestStoreDownIsServiceUnavailable(t *testing.T) {
	s := newService(t, testConfig(t), newFake(nil), &fakeConfigs{}, false)
	submit(t, s, "fn", "t1", "p")
	s.nc.Close() // every store call now fails at once
	ctx := context.Background()
	_, err := s.GetTask(ctx, testAccount, "fn", "t1")
	wantFCError(t, err, http.StatusServiceUnavailable, fc.CodeServiceUnavailable)
	_, err = s.ListTasks(ctx, testAccount, "fn", TaskFilter{})
	wantFCError(t, err, http.StatusServiceUnavailable, fc.CodeServiceUnavailable)
	err = s.StopTask(ctx, testAccount, "fn", "t1")
	wantFCError(t, err, http.StatusServiceUnavailable, fc.CodeServiceUnavailable)
	if e, _ := fc.AsError(err); e == nil || e.RetryAfter == 0 {
		t.Errorf("got %v, want a retry-after", err)
	}
}
