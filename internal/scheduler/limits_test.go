package scheduler

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

func withMemory(t *Target, mb int) *Target {
	t.Spec.MemoryMB = mb
	return t
}

func TestReservedConcurrencyCapsInstances(t *testing.T) {
	tests := []struct {
		name        string
		reserved    int
		slots       int
		requests    int
		wantServed  int
		wantStarts  int
		wantCode    string
		wantRetried bool
	}{
		{"cap 2, concurrency 1", 2, 1, 5, 2, 2, fc.CodeReservedConcurrencyThrottling, true},
		{"cap 2, concurrency 2", 2, 2, 6, 4, 2, fc.CodeReservedConcurrencyThrottling, true},
		{"cap 0 blocks the function", 0, 1, 3, 0, 0, fc.CodeResourceExhausted, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := &fakeEngine{startDelay: time.Second, invokeDelay: time.Minute, slots: tt.slots}
				h := newHarness(t, Config{}, eng)
				defer h.close()
				h.s.SetReservedConcurrency("acct/f", tt.reserved)
				tg := target("acct/f", tt.slots)
				start := time.Now()
				var outs []<-chan outcome
				for i := range tt.requests {
					outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
				}
				served := 0
				for _, ch := range outs {
					o := <-ch
					if o.err == nil {
						served++
						continue
					}
					if waited := o.at.Sub(start); waited != 0 {
						t.Errorf("refusal after %v, want at once", waited)
					}
					e, ok := fc.AsError(o.err)
					if !errors.Is(o.err, ErrReservedConcurrency) || !ok || e.Status != http.StatusTooManyRequests ||
						e.Code != tt.wantCode || (e.RetryAfter > 0) != tt.wantRetried {
						t.Errorf("got %v, want 429 %s (retry-after: %v)", o.err, tt.wantCode, tt.wantRetried)
					}
				}
				if starts, _ := eng.stats(); served != tt.wantServed || starts != tt.wantStarts {
					t.Errorf("got %d served on %d starts, want %d on %d", served, starts, tt.wantServed, tt.wantStarts)
				}
			})
		})
	}
}

func TestReservedConcurrencyLifted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		tg := target("acct/f", 1)
		h.s.SetReservedConcurrency("acct/f", 0)
		if _, err := h.invoke(t.Context(), tg, "1", ""); !errors.Is(err, ErrReservedConcurrency) {
			t.Errorf("cap 0: got %v, want ErrReservedConcurrency", err)
		}
		h.s.SetReservedConcurrency("acct/f", -1)
		mustInvoke(t, h, tg, "")
	})
}

// TestReservedZeroBlocksAWarmFunction: setting reservedConcurrency 0 blocks
// a function at once, although it has a warm instance (which would otherwise
// serve until keep-alive reclaimed it), refuses the requests queued for it,
// lets the running one finish and then stops the instance.
func TestReservedZeroBlocksAWarmFunction(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: time.Second}
		h := newHarness(t, Config{KeepAlive: time.Hour}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		id := string(mustInvoke(t, h, tg, "").Body)
		running := h.invokeAsync(tg, "running", "sleep 1m")
		synctest.Wait()
		queued := h.invokeAsync(tg, "queued", "") // waits for a second instance, starting
		synctest.Wait()
		h.s.SetReservedConcurrency("acct/f", 0)
		synctest.Wait()
		if o := <-queued; !errors.Is(o.err, ErrReservedConcurrency) {
			t.Errorf("queued request: got %v, want ErrReservedConcurrency", o.err)
		}
		_, err := h.invoke(t.Context(), tg, "new", "")
		if e, ok := fc.AsError(err); !errors.Is(err, ErrReservedConcurrency) || !ok || e.Status != http.StatusTooManyRequests {
			t.Errorf("new request: got %v, want 429 ErrReservedConcurrency", err)
		}
		time.Sleep(2 * time.Second) // the second instance is up by now: beyond the cap, it stops
		synctest.Wait()
		if starts, running := eng.stats(); starts != 2 || running != 1 {
			t.Errorf("%d started, %d running; want 2 started and only the busy one running", starts, running)
		}
		if eng.byID(id).isStopped() {
			t.Errorf("the busy instance stopped under its request")
		}
		if o := <-running; o.err != nil {
			t.Errorf("running request: %v", o.err)
		}
		synctest.Wait()
		if !eng.byID(id).isStopped() {
			t.Errorf("instance %s still runs after its request, under reservedConcurrency 0", id)
		}
	})
}

// TestLoweredCapStopsTheExcess: a cap lowered below a function's idle
// instances stops the least recently used ones at once, down to the cap.
func TestLoweredCapStopsTheExcess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{KeepAlive: time.Hour}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		var outs []<-chan outcome
		for i := range 3 {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), "sleep 1s"))
		}
		var ids []string
		for _, ch := range outs {
			o := <-ch
			if o.err != nil {
				t.Fatal(o.err)
			}
			ids = append(ids, string(o.res.Body))
		}
		time.Sleep(time.Second)
		recent := string(mustInvoke(t, h, tg, "").Body) // now the most recently used
		h.s.SetReservedConcurrency("acct/f", 1)
		synctest.Wait()
		left := 0
		for _, id := range ids {
			if !eng.byID(id).isStopped() {
				left++
				if id != recent {
					t.Errorf("instance %s kept, want the most recently used %s", id, recent)
				}
			}
		}
		if left != 1 {
			t.Errorf("%d instances left under a cap of 1, want 1", left)
		}
		if got := string(mustInvoke(t, h, tg, "").Body); got != recent {
			t.Errorf("served by %s after the cap, want %s", got, recent)
		}
	})
}

// TestFunctionLargerThanTheNode: a function whose memorySize is more than
// the node lends to all instances is refused at once, and evicts nobody's
// idle instances for room it could never get.
func TestFunctionLargerThanTheNode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{NodeMemoryMB: 1024, KeepAlive: time.Hour}, eng)
		defer h.close()
		var ids []string
		var outs []<-chan outcome
		for i := range 4 {
			outs = append(outs, h.invokeAsync(withMemory(target("b/g", 1), 256), fmt.Sprint(i), "sleep 1s"))
		}
		for _, ch := range outs {
			o := <-ch
			if o.err != nil {
				t.Fatal(o.err)
			}
			ids = append(ids, string(o.res.Body))
		}
		start := time.Now()
		_, err := h.invoke(t.Context(), withMemory(target("a/big", 1), 2048), "big", "")
		if waited := time.Since(start); waited != 0 {
			t.Errorf("refusal after %v, want at once", waited)
		}
		if e, ok := fc.AsError(err); !errors.Is(err, ErrNodeMemory) || !ok || e.Status != http.StatusServiceUnavailable {
			t.Errorf("got %v, want 503 ErrNodeMemory", err)
		}
		synctest.Wait()
		for _, id := range ids {
			if eng.byID(id).isStopped() {
				t.Errorf("instance %s of another function stopped for a function that cannot fit", id)
			}
		}
	})
}

func TestAccountQuotaEvictsIdleInstancesOfTheAccount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{AccountInstanceQuota: 2}, eng)
		defer h.close()
		old := string(mustInvoke(t, h, target("acct/a", 1), "").Body)
		time.Sleep(time.Second)
		recent := string(mustInvoke(t, h, target("acct/b", 1), "").Body)
		other := string(mustInvoke(t, h, target("other/x", 1), "").Body)
		// acct is at its quota of 2: a third function evicts the least
		// recently used idle instance of the account.
		mustInvoke(t, h, target("acct/c", 1), "")
		synctest.Wait()
		want := map[string]bool{old: true, recent: false, other: false}
		for id, stopped := range want {
			if got := eng.byID(id).isStopped(); got != stopped {
				t.Errorf("instance %s: got stopped %v, want %v", id, got, stopped)
			}
		}
	})
}

func TestAccountQuotaRefusesWhenNothingIsIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{AccountInstanceQuota: 1}, &fakeEngine{})
		defer h.close()
		busy := h.invokeAsync(target("acct/a", 1), "busy", "sleep 1m")
		synctest.Wait()
		start := time.Now()
		_, err := h.invoke(t.Context(), target("acct/b", 1), "refused", "")
		if waited := time.Since(start); waited != 0 {
			t.Errorf("refusal after %v, want at once", waited)
		}
		wantRefusal(t, err, ErrInstanceQuota, http.StatusServiceUnavailable, fc.CodeResourceThrottled)
		if o := <-busy; o.err != nil {
			t.Errorf("busy request: %v", o.err)
		}
	})
}

func TestAccountMemoryQuotaEvictsIdleInstancesOfTheAccount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{NodeMemoryMB: 100000}, eng)
		defer h.close()
		h.s.SetAccountMemoryQuota("acct", 1024)
		old := string(mustInvoke(t, h, withMemory(target("acct/a", 1), 512), "").Body)
		time.Sleep(time.Second)
		recent := string(mustInvoke(t, h, withMemory(target("acct/b", 1), 512), "").Body)
		other := string(mustInvoke(t, h, withMemory(target("other/x", 1), 4096), "").Body)
		// acct holds 1024 MB of its 1024: a third function's instance
		// evicts the account's least recently used idle one.
		mustInvoke(t, h, withMemory(target("acct/c", 1), 512), "")
		synctest.Wait()
		want := map[string]bool{old: true, recent: false, other: false}
		for id, stopped := range want {
			if got := eng.byID(id).isStopped(); got != stopped {
				t.Errorf("instance %s: got stopped %v, want %v", id, got, stopped)
			}
		}
	})
}

func TestAccountMemoryQuotaRefusesWhenNothingIsIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		h.s.SetAccountMemoryQuota("acct", 768)
		busy := h.invokeAsync(withMemory(target("acct/a", 1), 512), "busy", "sleep 1m")
		synctest.Wait()
		start := time.Now()
		_, err := h.invoke(t.Context(), withMemory(target("acct/b", 1), 512), "refused", "")
		if waited := time.Since(start); waited != 0 {
			t.Errorf("refusal after %v, want at once", waited)
		}
		wantRefusal(t, err, ErrInstanceQuota, http.StatusServiceUnavailable, fc.CodeResourceThrottled)
		if err == nil || !strings.Contains(err.Error(), "memory quota of 768 MB") {
			t.Errorf("refusal %v does not name the memory quota", err)
		}
		// A smaller function of the same account still fits.
		if _, err := h.invoke(t.Context(), withMemory(target("acct/c", 1), 256), "fits", ""); err != nil {
			t.Errorf("a 256 MB instance within the remaining 256 MB: %v", err)
		}
		h.s.SetAccountMemoryQuota("acct", 0)
		if _, err := h.invoke(t.Context(), withMemory(target("acct/b", 1), 512), "lifted", ""); err != nil {
			t.Errorf("after the quota was removed: %v", err)
		}
		if o := <-busy; o.err != nil {
			t.Errorf("busy request: %v", o.err)
		}
	})
}

func TestNodeMemoryEvictsLeastRecentlyUsed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{NodeMemoryMB: 1024}, eng)
		defer h.close()
		a := string(mustInvoke(t, h, withMemory(target("acct/a", 1), 512), "").Body)
		time.Sleep(time.Second)
		b := string(mustInvoke(t, h, withMemory(target("other/b", 1), 512), "").Body)
		mustInvoke(t, h, withMemory(target("third/c", 1), 512), "")
		synctest.Wait()
		if !eng.byID(a).isStopped() || eng.byID(b).isStopped() {
			t.Errorf("got a stopped %v, b stopped %v; want the least recently used (a) evicted",
				eng.byID(a).isStopped(), eng.byID(b).isStopped())
		}
	})
}

func TestNodeMemoryFullWaitsForAnIdleInstance(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{NodeMemoryMB: 512}, eng)
		defer h.close()
		busy := h.invokeAsync(withMemory(target("acct/a", 1), 512), "busy", "sleep 10s")
		synctest.Wait()
		start := time.Now()
		res, err := h.invoke(t.Context(), withMemory(target("acct/b", 1), 512), "waits", "")
		if err != nil {
			t.Fatalf("waiting request: %v", err)
		}
		if waited := time.Since(start); waited != 10*time.Second {
			t.Errorf("served after %v, want 10s (when a's instance went idle and was evicted)", waited)
		}
		o := <-busy
		if string(res.Body) == string(o.res.Body) {
			t.Errorf("b served by a's instance %s", res.Body)
		}
		if !eng.byID(string(o.res.Body)).isStopped() {
			t.Errorf("a's instance still running, want it evicted")
		}
	})
}

func TestNodeMemoryFullTimesOutWithReason(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{NodeMemoryMB: 512, MaxQueueWait: 5 * time.Second}, &fakeEngine{})
		defer h.close()
		busy := h.invokeAsync(withMemory(target("acct/a", 1), 512), "busy", "sleep 1m")
		synctest.Wait()
		_, err := h.invoke(t.Context(), withMemory(target("acct/b", 1), 512), "waits", "")
		wantRefusal(t, err, ErrQueueTimeout, http.StatusServiceUnavailable, fc.CodeResourceThrottled)
		if e, _ := fc.AsError(err); e == nil || !strings.Contains(e.Message, "node memory") {
			t.Errorf("got message %v, want it to name node memory", err)
		}
		<-busy
	})
}
