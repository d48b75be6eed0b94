package scheduler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

// These tests run under synctest: time is fake, so they state exactly when
// things happen without depending on the machine's speed.

func TestWarmInstanceIsReused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{startDelay: 100 * time.Millisecond})
		defer h.close()
		tg := target("acct/f", 1)
		var ids []string
		for i := range 3 {
			res, err := h.invoke(t.Context(), tg, fmt.Sprint(i), "")
			if err != nil {
				t.Fatalf("invoke %d: %v", i, err)
			}
			ids = append(ids, string(res.Body))
		}
		if starts, _ := h.eng.stats(); starts != 1 {
			t.Errorf("got %d starts, want 1", starts)
		}
		if ids[0] != ids[1] || ids[1] != ids[2] {
			t.Errorf("got instances %v, want the same one thrice", ids)
		}
	})
}

func TestColdBurst(t *testing.T) {
	tests := []struct {
		name         string
		slots        int
		maxInstances int
		requests     int
		wantStarts   int
	}{
		{"concurrency 1 gets one instance per request", 1, 100, 8, 8},
		{"concurrency 4 packs four per instance", 4, 100, 8, 2},
		{"bounded by MaxInstances", 1, 3, 8, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := &fakeEngine{startDelay: 100 * time.Millisecond, invokeDelay: time.Second, slots: tt.slots}
				h := newHarness(t, Config{MaxInstances: tt.maxInstances, TargetUtilization: 1, MaxStarting: 100}, eng)
				defer h.close()
				tg := target("acct/f", tt.slots)
				var outs []<-chan outcome
				for i := range tt.requests {
					outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
				}
				for i, ch := range outs {
					if o := <-ch; o.err != nil {
						t.Errorf("request %d: %v", i, o.err)
					}
				}
				if starts, _ := eng.stats(); starts != tt.wantStarts {
					t.Errorf("got %d starts, want %d", starts, tt.wantStarts)
				}
				if _, overload := eng.deliveries(); overload != 0 {
					t.Errorf("got %d invocations beyond an instance's concurrency, want 0", overload)
				}
			})
		})
	}
}

func TestKeepAliveReclaimsIdleInstances(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{KeepAlive: time.Minute}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", 1)
		running := func(when string, want int) {
			t.Helper()
			synctest.Wait()
			if _, got := h.eng.stats(); got != want {
				t.Errorf("%s: got %d instances running, want %d", when, got, want)
			}
		}
		mustInvoke(t, h, tg, "")
		time.Sleep(50 * time.Second)
		mustInvoke(t, h, tg, "") // a use restarts the keep-alive
		time.Sleep(59 * time.Second)
		running("59s after the last use", 1)
		time.Sleep(time.Second)
		running("60s after the last use", 0)
		if held := h.code.holding(); held != 0 {
			t.Errorf("got %d code directories held, want 0", held)
		}
		mustInvoke(t, h, tg, "")
		if starts, _ := h.eng.stats(); starts != 2 {
			t.Errorf("got %d starts, want 2 (a new cold start after the reclaim)", starts)
		}
	})
}

func TestPackingLetsSpareInstancesGo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{KeepAlive: time.Minute}, &fakeEngine{invokeDelay: time.Second})
		defer h.close()
		tg := target("acct/f", 1)
		a, b := h.invokeAsync(tg, "a", ""), h.invokeAsync(tg, "b", "")
		<-a
		<-b
		for range 10 { // one request every 20s: one instance is enough
			time.Sleep(20 * time.Second)
			mustInvoke(t, h, tg, "")
		}
		synctest.Wait()
		if starts, running := h.eng.stats(); starts != 2 || running != 1 {
			t.Errorf("got %d starts and %d running, want 2 and 1", starts, running)
		}
	})
}

func TestQueueWaitBound(t *testing.T) {
	tests := []struct {
		name     string
		maxWait  time.Duration
		timeout  time.Duration
		wantWait time.Duration
	}{
		{"MaxQueueWait", 10 * time.Second, time.Minute, 10 * time.Second},
		{"function timeout", 30 * time.Second, 2 * time.Second, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, Config{MaxInstances: 1, MaxQueueWait: tt.maxWait}, &fakeEngine{})
				defer h.close()
				tg := target("acct/f", 1)
				tg.Timeout = tt.timeout
				busy := h.invokeAsync(tg, "busy", "sleep 5m")
				synctest.Wait()
				start := time.Now()
				_, err := h.invoke(t.Context(), tg, "waits", "")
				if waited := time.Since(start); waited != tt.wantWait {
					t.Errorf("waited %v, want %v", waited, tt.wantWait)
				}
				wantRefusal(t, err, ErrQueueTimeout, http.StatusServiceUnavailable, fc.CodeResourceThrottled)
				if o := <-busy; o.err != nil {
					t.Errorf("busy request: %v", o.err)
				}
			})
		})
	}
}

func TestFullQueueRefusesAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{MaxInstances: 1, MaxQueueLength: 2}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", 1)
		outs := []<-chan outcome{h.invokeAsync(tg, "busy", "sleep 10s")}
		synctest.Wait()
		outs = append(outs, h.invokeAsync(tg, "q1", ""), h.invokeAsync(tg, "q2", ""))
		synctest.Wait()
		start := time.Now()
		_, err := h.invoke(t.Context(), tg, "refused", "")
		if waited := time.Since(start); waited != 0 {
			t.Errorf("refusal took %v, want it at once", waited)
		}
		wantRefusal(t, err, ErrQueueFull, http.StatusTooManyRequests, fc.CodeResourceExhausted)
		for i, ch := range outs {
			if o := <-ch; o.err != nil {
				t.Errorf("request %d: %v", i, o.err)
			}
		}
	})
}

func TestCancelledCallerLeavesQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{MaxInstances: 1, MaxQueueLength: 1}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		busy := h.invokeAsync(tg, "busy", "sleep 10s")
		synctest.Wait()
		ctx, cancel := context.WithCancel(t.Context())
		cancelled := make(chan error, 1)
		go func() {
			_, err := h.invoke(ctx, tg, "cancelled", "")
			cancelled <- err
		}()
		synctest.Wait()
		cancel()
		start := time.Now()
		if err := <-cancelled; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled caller: got %v, want context.Canceled", err)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("cancelled caller returned after %v, want at once", waited)
		}
		// Its place in the queue is free again.
		if _, err := h.invoke(t.Context(), tg, "next", ""); err != nil {
			t.Errorf("next request: %v", err)
		}
		<-busy
		if delivered, _ := eng.deliveries(); delivered["cancelled"] != 0 {
			t.Errorf("cancelled request delivered %d times, want 0", delivered["cancelled"])
		}
	})
}

func TestStartFailureFailsWaiters(t *testing.T) {
	tests := []struct {
		name         string
		slots        int
		maxInstances int
		requests     int
		wantStarts   int
	}{
		{"one start per waiter", 1, 100, 5, 5},
		{"waiters sharing a start", 4, 100, 5, 2},
		{"more waiters than instances", 1, 2, 5, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				initErr := &sandbox.InitError{Body: []byte(`{"errorMessage":"boom"}`), Err: errTest}
				eng := &fakeEngine{startDelay: 2 * time.Second, failStart: func(int) error { return initErr }}
				h := newHarness(t, Config{MaxInstances: tt.maxInstances, TargetUtilization: 1, MaxStarting: 100}, eng)
				defer h.close()
				tg := target("acct/f", tt.slots)
				start := time.Now()
				var outs []<-chan outcome
				for i := range tt.requests {
					outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
				}
				for i, ch := range outs {
					o := <-ch
					var ie *sandbox.InitError
					if !errors.As(o.err, &ie) {
						t.Errorf("request %d: got %v, want an *sandbox.InitError", i, o.err)
					}
					if waited := o.at.Sub(start); waited != 2*time.Second {
						t.Errorf("request %d failed after %v, want 2s (when the start failed)", i, waited)
					}
				}
				if starts, _ := eng.stats(); starts != tt.wantStarts {
					t.Errorf("got %d starts, want %d", starts, tt.wantStarts)
				}
				if held := h.code.holding(); held != 0 {
					t.Errorf("got %d code directories held, want 0", held)
				}
			})
		})
	}
}

func TestStartFailureBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{failStart: func(n int) error {
			if n <= 2 || n == 4 {
				return &sandbox.InitError{Err: errTest}
			}
			return nil
		}}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		steps := []struct {
			after      time.Duration // sleep before the request
			crash      bool          // crash the instances before the request
			wantErr    bool
			wantStarts int
		}{
			{0, false, true, 1},            // start 1 fails: back off 1s
			{0, false, true, 1},            // refused at once, no start
			{time.Second, false, true, 2},  // fresh try, start 2 fails: back off 2s
			{time.Second, false, true, 2},  // still backing off
			{time.Second, false, false, 3}, // fresh try succeeds and ends the backoff
			{time.Millisecond, false, false, 3},
			{time.Millisecond, true, true, 4}, // start 4 fails: back off 1s again
			{time.Second, false, false, 5},
		}
		for i, s := range steps {
			time.Sleep(s.after)
			if s.crash {
				h.eng.crashAll()
				synctest.Wait()
			}
			start := time.Now()
			_, err := h.invoke(t.Context(), tg, fmt.Sprint(i), "")
			var ie *sandbox.InitError
			if got := errors.As(err, &ie); got != s.wantErr {
				t.Errorf("step %d: got error %v, want an InitError: %v", i, err, s.wantErr)
			}
			if waited := time.Since(start); waited != 0 {
				t.Errorf("step %d took %v, want no wait", i, waited)
			}
			if starts, _ := eng.stats(); starts != s.wantStarts {
				t.Errorf("step %d: got %d starts, want %d", i, starts, s.wantStarts)
			}
		}
	})
}

func TestUnhealthyInstanceIsReplaced(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr bool
	}{
		{"broken result", "broken", false},
		{"engine could not deliver", "error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, Config{}, &fakeEngine{})
				defer h.close()
				tg := target("acct/f", 1)
				res, err := h.invoke(t.Context(), tg, "bad", tt.body)
				if gotErr := err != nil; gotErr != tt.wantErr {
					t.Fatalf("got error %v, want error: %v", err, tt.wantErr)
				}
				if err == nil && !res.Broken {
					t.Errorf("got result %+v, want it Broken as the engine said", res)
				}
				synctest.Wait()
				if !h.eng.instance(0).isStopped() {
					t.Errorf("unhealthy instance still running, want it stopped")
				}
				res = mustInvoke(t, h, tg, "")
				if string(res.Body) == h.eng.instance(0).id {
					t.Errorf("next request served by the unhealthy instance, want a new one")
				}
			})
		})
	}
}

// TestCallerGoneBeforeSendKeepsTheInstance: the engine says the caller left
// before the request reached the instance (ctx's error, a Result not
// Broken); the instance serves the next request.
func TestCallerGoneBeforeSendKeepsTheInstance(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", 1)
		if _, err := h.invoke(t.Context(), tg, "gone", "unsent"); !errors.Is(err, context.Canceled) {
			t.Fatalf("got error %v, want context.Canceled", err)
		}
		synctest.Wait()
		res := mustInvoke(t, h, tg, "")
		if starts, _ := h.eng.stats(); starts != 1 || string(res.Body) != h.eng.instance(0).id {
			t.Errorf("got %d starts, answer from %s; want the first instance to serve on", starts, res.Body)
		}
	})
}

func TestCrashedInstanceIsReplaced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", 1)
		mustInvoke(t, h, tg, "")
		h.eng.instance(0).crash()
		synctest.Wait()
		if held := h.code.holding(); held != 0 {
			t.Errorf("got %d code directories held after the crash, want 0", held)
		}
		res := mustInvoke(t, h, tg, "")
		if starts, _ := h.eng.stats(); starts != 2 || string(res.Body) == h.eng.instance(0).id {
			t.Errorf("got %d starts, served by %s; want 2 starts and a new instance", starts, res.Body)
		}
	})
}

func TestRetire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		f1, f2 := target("acct/f1", 1), target("acct/f2", 1)
		busy := h.invokeAsync(f1, "busy", "sleep 1m")
		synctest.Wait()
		idle := string(mustInvoke(t, h, f1, "").Body)
		other := string(mustInvoke(t, h, f2, "").Body)
		h.s.Retire("acct/f1")
		synctest.Wait()
		want := map[string]bool{idle: true, other: false}
		for id, wantStopped := range want {
			if got := h.eng.byID(id).isStopped(); got != wantStopped {
				t.Errorf("instance %s: got stopped %v, want %v", id, got, wantStopped)
			}
		}
		o := <-busy
		if o.err != nil {
			t.Fatalf("busy request: %v", o.err)
		}
		synctest.Wait()
		if !h.eng.byID(string(o.res.Body)).isStopped() {
			t.Errorf("busy instance still running after its request, want it stopped")
		}
		updated := target("acct/f1", 1)
		updated.Key = "acct/f1/LATEST/2"
		if res := mustInvoke(t, h, updated, ""); string(res.Body) == idle || string(res.Body) == string(o.res.Body) {
			t.Errorf("updated function served by retired instance %s, want a new one", res.Body)
		}
	})
}

// TestRetireKeys: retiring one qualifier's keys leaves the function's other
// versions running.
func TestRetireKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		latest, v1 := target("acct/f", 1), target("acct/f", 1)
		v1.Key = "acct/f/1/1"
		onLatest := string(mustInvoke(t, h, latest, "").Body)
		onV1 := string(mustInvoke(t, h, v1, "").Body)
		h.s.RetireKeys("acct/f/LATEST/")
		synctest.Wait()
		if !h.eng.byID(onLatest).isStopped() || h.eng.byID(onV1).isStopped() {
			t.Errorf("after RetireKeys(LATEST): LATEST's instance stopped %v (want true), version 1's %v (want false)",
				h.eng.byID(onLatest).isStopped(), h.eng.byID(onV1).isStopped())
		}
		if got := string(mustInvoke(t, h, v1, "").Body); got != onV1 {
			t.Errorf("version 1 served by %s after the retire, want its warm instance %s", got, onV1)
		}
	})
}

func TestRetiredPoolServesItsQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{MaxInstances: 1}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", 1)
		busy := h.invokeAsync(tg, "busy", "sleep 10s")
		synctest.Wait()
		queued := h.invokeAsync(tg, "queued", "")
		synctest.Wait()
		h.s.Retire("acct/f")
		for _, ch := range []<-chan outcome{busy, queued} {
			if o := <-ch; o.err != nil {
				t.Errorf("got %v, want the admitted requests served", o.err)
			}
		}
		synctest.Wait()
		if starts, running := h.eng.stats(); starts != 1 || running != 0 {
			t.Errorf("got %d starts and %d running, want 1 and 0", starts, running)
		}
	})
}

func TestStartRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{invokeDelay: time.Minute}
		h := newHarness(t, Config{StartRate: 1, StartBurst: 1}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		start := time.Now()
		var outs []<-chan outcome
		for i := range 3 {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
		}
		for _, ch := range outs {
			<-ch
		}
		want := []time.Duration{0, time.Second, 2 * time.Second}
		eng.mu.Lock()
		defer eng.mu.Unlock()
		for i, st := range eng.startTimes {
			if i >= len(want) || st.Sub(start) != want[i] {
				t.Errorf("start %d at %v, want starts at %v", i, st.Sub(start), want)
			}
		}
	})
}

func TestInvalidTargetIsRejected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", -1)
		if _, err := h.invoke(t.Context(), tg, "x", ""); err == nil {
			t.Errorf("got nil error, want one for Concurrency -1")
		}
		if starts, _ := h.eng.stats(); starts != 0 {
			t.Errorf("got %d starts, want 0", starts)
		}
	})
}

func mustInvoke(t *testing.T, h *harness, tg *Target, body string) *sandbox.Result {
	t.Helper()
	res, err := h.invoke(t.Context(), tg, "", body)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	return res
}

func wantRefusal(t *testing.T, err, kind error, status int, code string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("got %v, want %v", err, kind)
	}
	e, ok := fc.AsError(err)
	if !ok {
		t.Fatalf("got %v, want an *fc.Error", err)
	}
	if e.Status != status || e.Code != code || e.RetryAfter != retryAfter {
		t.Errorf("got %d %s retry-after %d, want %d %s retry-after %d",
			e.Status, e.Code, e.RetryAfter, status, code, retryAfter)
	}
}

// A caller's wait watch runs exactly while its request waits: a request
// served at once never starts it.
func TestWaitWatchRunsOnlyWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{MaxInstances: 1, MaxQueueLength: 1}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		var watching, started, stopped atomic.Int32
		ctx := WithWaitWatch(t.Context(), func() func() {
			started.Add(1)
			watching.Add(1)
			return func() { watching.Add(-1); stopped.Add(1) }
		})
		if _, err := h.invoke(ctx, tg, "cold", ""); err != nil { // waits for the first start
			t.Fatal(err)
		}
		if started.Load() != 1 || stopped.Load() != 1 {
			t.Fatalf("cold request: watch started %d, stopped %d; want 1, 1", started.Load(), stopped.Load())
		}
		if _, err := h.invoke(ctx, tg, "warm", ""); err != nil {
			t.Fatal(err)
		}
		if started.Load() != 1 {
			t.Fatalf("a request served at once started the watch (%d starts)", started.Load())
		}
		busy := h.invokeAsync(tg, "busy", "sleep 10s")
		synctest.Wait()
		done := make(chan error, 1)
		go func() {
			_, err := h.invoke(ctx, tg, "queued", "")
			done <- err
		}()
		synctest.Wait()
		if watching.Load() != 1 {
			t.Fatalf("a queued request is watched %d times, want 1", watching.Load())
		}
		<-busy
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if watching.Load() != 0 || started.Load() != 2 || stopped.Load() != 2 {
			t.Fatalf("after the wait: watching %d, started %d, stopped %d; want 0, 2, 2",
				watching.Load(), started.Load(), stopped.Load())
		}
	})
}
