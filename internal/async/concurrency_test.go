package async

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

func TestConcurrencyPerFunctionIsBounded(t *testing.T) {
	const limit, tasks = 3, 30
	inv := newFake(func(ctx context.Context, _ *Call, _ int) (*Outcome, error) {
		time.Sleep(5 * time.Millisecond) // long enough for tasks to overlap
		return &Outcome{}, nil
	})
	cfg := testConfig(t)
	cfg.MaxConcurrencyPerFunction = limit
	s := newService(t, cfg, inv, &fakeConfigs{}, true)
	for i := range tasks {
		submit(t, s, "busy", fmt.Sprintf("t%d", i), "p")
	}
	for i := range tasks {
		waitStatus(t, s, "busy", fmt.Sprintf("t%d", i), fc.AsyncSucceeded)
	}
	if p := inv.peak("busy"); p > limit || p < 1 {
		t.Errorf("got %d executions at once, want between 1 and %d", p, limit)
	}
}

func TestBusyFunctionDoesNotHoldUpOthers(t *testing.T) {
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	defer release()
	inv := newFake(func(ctx context.Context, c *Call, n int) (*Outcome, error) {
		if c.Function == "stuck" {
			return blockUntil(gate)(ctx, c, n)
		}
		return &Outcome{}, nil
	})
	cfg := testConfig(t)
	cfg.MaxConcurrencyPerFunction = 2
	s := newService(t, cfg, inv, &fakeConfigs{}, true)
	for i := range 5 {
		submit(t, s, "stuck", fmt.Sprintf("t%d", i), "p")
	}
	eventually(t, "both slots of stuck taken", func() (bool, string) {
		return inv.peak("stuck") == 2, fmt.Sprintf("peak %d", inv.peak("stuck"))
	})
	submit(t, s, "free", "t0", "p")
	waitStatus(t, s, "free", "t0", fc.AsyncSucceeded)
	if p := inv.peak("stuck"); p != 2 {
		t.Errorf("got %d executions of stuck at once, want 2", p)
	}
	release()
	for i := range 5 {
		waitStatus(t, s, "stuck", fmt.Sprintf("t%d", i), fc.AsyncSucceeded)
	}
}

// TestConcurrentSubmitsOfOneTaskID hammers Submit with one task id from many
// goroutines: exactly one execution, and every answer is either acceptance
// or AsyncTaskAlreadyExists.
func TestConcurrentSubmitsOfOneTaskID(t *testing.T) {
	inv := newFake(nil)
	s := newService(t, testConfig(t), inv, &fakeConfigs{}, true)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "fn", TaskID: "same"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	accepted := 0
	for err := range errs {
		if err == nil {
			accepted++
			continue
		}
		if e, ok := fc.AsError(err); !ok || e.Code != fc.CodeAsyncTaskAlreadyExists {
			t.Errorf("got %v, want acceptance or AsyncTaskAlreadyExists", err)
		}
	}
	if accepted < 1 {
		t.Errorf("got %d acceptances, want at least 1", accepted)
	}
	waitStatus(t, s, "fn", "same", fc.AsyncSucceeded)
	time.Sleep(100 * time.Millisecond) // a second execution would show up by now
	if n := inv.count("fn", "same"); n != 1 {
		t.Errorf("got %d runs, want 1", n)
	}
}
