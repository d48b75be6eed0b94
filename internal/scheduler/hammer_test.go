package scheduler

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestHammer runs many concurrent callers against real time, with instances
// reclaimed, broken and retired under them and some callers giving up, and
// checks that every request is delivered exactly once (at most once for those
// that gave up), that no instance ever runs more requests than its
// concurrency, that no slot is leaked and that Close leaves nothing behind.
// Run it with -race.
func TestHammer(t *testing.T) {
	for _, slots := range []int{1, 4} {
		t.Run(fmt.Sprintf("concurrency %d", slots), func(t *testing.T) {
			hammer(t, slots)
		})
	}
}

func hammer(t *testing.T, slots int) {
	const callers, perCaller = 200, 50
	goroutinesBefore := runtime.NumGoroutine()
	eng := &fakeEngine{slots: slots}
	// Retiring every few milliseconds leaves many draining instances
	// behind; the account quota is not what this test is about.
	cfg := Config{KeepAlive: time.Millisecond, MaxInstances: 16, MaxQueueWait: time.Minute,
		StartRate: 10000, StartBurst: 100, AccountInstanceQuota: 1 << 20}
	h := newHarness(t, cfg, eng)
	tg := target("acct/f", slots)

	stopRetiring := make(chan struct{})
	var retirer sync.WaitGroup
	retirer.Go(func() { retireUntil(h.s, "acct/f", stopRetiring) })

	var wg sync.WaitGroup
	var mu sync.Mutex
	impatient := make(map[string]bool)
	for c := range callers {
		wg.Go(func() {
			for i := range perCaller {
				id := fmt.Sprintf("%d-%d", c, i)
				ctx, cancel := hammerContext(c, i)
				_, err := h.invoke(ctx, tg, id, hammerBody(c, i))
				cancel()
				switch {
				case ctx.Done() != nil:
					mu.Lock()
					impatient[id] = true
					mu.Unlock()
				case err != nil:
					t.Errorf("request %s: %v", id, err)
				}
			}
		})
	}
	wg.Wait()
	close(stopRetiring)
	retirer.Wait()
	// Once everything is retired, every instance stops unless a slot leaked.
	h.s.Retire("acct/f")
	waitForStopped(t, eng)
	h.close()

	delivered, overload := eng.deliveries()
	for c := range callers {
		for i := range perCaller {
			id := fmt.Sprintf("%d-%d", c, i)
			if n := delivered[id]; n > 1 || (n == 0 && !impatient[id]) {
				t.Errorf("request %s delivered %d times, want 1", id, n)
			}
		}
	}
	if overload != 0 {
		t.Errorf("got %d invocations beyond an instance's concurrency of %d, want 0", overload, slots)
	}
	waitForGoroutines(t, goroutinesBefore)
}

// hammerBody mixes in broken results and short sleeps.
func hammerBody(caller, i int) string {
	switch (caller*31 + i) % 40 {
	case 0:
		return "broken"
	case 1, 2, 3:
		return "sleep 200us"
	}
	return ""
}

// hammerContext gives one caller in 25 a deadline short enough to end while
// it waits or runs.
func hammerContext(caller, i int) (context.Context, context.CancelFunc) {
	if (caller*7+i)%25 == 0 {
		return context.WithTimeout(context.Background(), 100*time.Microsecond)
	}
	return context.Background(), func() {}
}

func waitForStopped(t *testing.T, eng *fakeEngine) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, running := eng.stats()
		if running == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d instances running after Retire, want 0: a slot leaked", running)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func retireUntil(s *Scheduler, function string, stop <-chan struct{}) {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			s.Retire(function)
		}
	}
}

func waitForGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("got %d goroutines after Close, want at most %d:\n%s",
				runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
