package scheduler

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestAbandonReturnsGrantedSlot covers the race in which a waiter gives up
// just as a slot is handed to it: the slot must go back to the pool.
func TestAbandonReturnsGrantedSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{}, &fakeEngine{})
		defer h.close()
		p := newPool(h.s, target("acct/f", 1))
		in := newInstance("i-1", KindOnDemand, time.Now())
		in.state, in.busy = StateReady, 1
		p.instances = []*instance{in}
		first, second := p.queue.push(), p.queue.push()

		p.release(in, true) // hands the slot to first
		if _, err := p.abandon(first, errTest); !errors.Is(err, errTest) {
			t.Errorf("abandon: got %v, want %v", err, errTest)
		}
		select {
		case g := <-second.ch:
			if g.inst != in {
				t.Errorf("second waiter got %+v, want the slot first gave back", g)
			}
		default:
			t.Errorf("second waiter got nothing, want the slot first gave back")
		}
		if in.busy != 1 || p.queue.len() != 0 {
			t.Errorf("got busy %d and %d queued, want 1 and 0", in.busy, p.queue.len())
		}
	})
}

// TestBackoffHoldsStartsWhileInstancesServe: after a failed start, a pool
// that still has a ready instance keeps its waiters queued and starts no
// instance until the backoff has passed.
func TestBackoffHoldsStartsWhileInstancesServe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{failStart: func(n int) error {
			if n == 2 {
				return errTest
			}
			return nil
		}}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		start := time.Now()
		busy := h.invokeAsync(tg, "busy", "sleep 10s") // start 1
		synctest.Wait()
		queued := h.invokeAsync(tg, "queued", "") // start 2 fails: back off 1s
		synctest.Wait()
		late := h.invokeAsync(tg, "late", "") // must not start before 1s
		for name, ch := range map[string]<-chan outcome{"busy": busy, "queued": queued, "late": late} {
			if o := <-ch; o.err != nil {
				t.Errorf("%s request: got %v, want it served", name, o.err)
			}
		}
		want := []time.Duration{0, 0, time.Second, time.Second}
		eng.mu.Lock()
		defer eng.mu.Unlock()
		if len(eng.startTimes) != len(want) {
			t.Fatalf("got %d starts, want %d", len(eng.startTimes), len(want))
		}
		for i, st := range eng.startTimes {
			if st.Sub(start) != want[i] {
				t.Errorf("start %d at %v, want starts at %v", i+1, st.Sub(start), want)
			}
		}
	})
}
