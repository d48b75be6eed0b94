package scheduler

import (
	"errors"
	"fmt"
	"github.com/prometheus/client_golang/prometheus"
	"sync"
	"testing"
	"time"
)

// TestHammerCapacity runs callers of three functions that share a small
// node and account while provisioned targets and a reservedConcurrency
// change under them, so that admission, eviction, promotion and shedding
// race with each other. It checks that no instance runs more requests than
// its concurrency, that every failure is one of the scheduler's refusals,
// and that once everything is retired the capacity ledger is empty and no
// instance runs. Run it with -race.
func TestHammerCapacity(t *testing.T) {
	const callers, perCaller = 60, 40
	eng := &fakeEngine{slots: 2}
	cfg := Config{KeepAlive: time.Millisecond, NodeMemoryMB: 6 * 128, AccountInstanceQuota: 5,
		MaxQueueWait: 200 * time.Millisecond, StartRate: 10000, StartBurst: 100}
	cfg.Metrics = prometheus.NewRegistry() // metrics race with everything else too
	h := newHarness(t, cfg, eng)
	targets := []*Target{withMemory(target("a/f1", 2), 128), withMemory(target("a/f2", 2), 128), withMemory(target("b/f3", 2), 128)}

	stop := make(chan struct{})
	var churn sync.WaitGroup
	churn.Go(func() { churnLimits(h.s, targets, stop) })
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() {
			tg := targets[c%len(targets)]
			for i := range perCaller {
				_, err := h.invoke(t.Context(), tg, fmt.Sprintf("%d-%d", c, i), hammerBody(c, i))
				if err != nil && !errors.Is(err, ErrReservedConcurrency) && !errors.Is(err, ErrQueueTimeout) &&
					!errors.Is(err, ErrInstanceQuota) {
					t.Errorf("request %d-%d: %v", c, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	churn.Wait()
	for _, tg := range targets {
		h.s.Retire(tg.Function)
	}
	waitForStopped(t, eng)
	// The pool gives an instance's capacity back after its sandbox stopped.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, l := h.s.capacity.snapshot()
		if l.usedMB == 0 && len(l.accounts) == 0 && len(l.functions) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("got ledger %+v after every instance stopped, want it empty", l)
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.close()
	if delivered, overload := eng.deliveries(); overload != 0 {
		t.Errorf("got %d invocations beyond an instance's concurrency, want 0 (of %d)", overload, len(delivered))
	}
}

// churnLimits changes provisioned targets and a reservedConcurrency until
// stop closes.
func churnLimits(s *Scheduler, targets []*Target, stop <-chan struct{}) {
	tick := time.NewTicker(3 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			s.SetReservedConcurrency("a/f2", -1)
			for _, tg := range targets {
				s.SetProvisioned(tg, 0)
			}
			return
		case <-tick.C:
			s.SetProvisioned(targets[i%len(targets)], i%3)
			s.SetReservedConcurrency("a/f2", i%4-1)
		}
	}
}
