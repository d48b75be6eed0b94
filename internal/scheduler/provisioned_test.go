package scheduler

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// kinds counts the live instances of function by kind.
func kinds(s *Scheduler, function string) (provisioned, onDemand int) {
	for _, in := range s.Instances(function) {
		if in.State != StateStarting && in.State != StateReady {
			continue
		}
		if in.Kind == KindProvisioned {
			provisioned++
		} else {
			onDemand++
		}
	}
	return provisioned, onDemand
}

func TestProvisionedTargetIsKept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: time.Second}
		h := newHarness(t, Config{KeepAlive: time.Minute, MaxStarting: 3}, eng) // all three boot at once
		defer h.close()
		tg := target("acct/f", 1)
		if err := h.s.SetProvisioned(tg, 3); err != nil {
			t.Fatalf("SetProvisioned: %v", err)
		}
		synctest.Wait()
		if st := h.s.Provisioned(tg.Key); st.Target != 3 || st.Current != 0 {
			t.Errorf("while starting: got %+v, want target 3, current 0", st)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if st := h.s.Provisioned(tg.Key); st.Current != 3 || st.Err != "" {
			t.Errorf("once started: got %+v, want current 3 and no error", st)
		}
		time.Sleep(time.Hour) // far beyond the keep-alive
		synctest.Wait()
		if starts, running := eng.stats(); starts != 3 || running != 3 {
			t.Errorf("an hour idle: got %d starts and %d running, want 3 and 3 (never reclaimed)", starts, running)
		}
		h.s.SetProvisioned(tg, 1)
		synctest.Wait()
		if _, running := eng.stats(); running != 1 {
			t.Errorf("target lowered to 1: got %d running, want 1", running)
		}
		h.s.SetProvisioned(tg, 0)
		synctest.Wait()
		if _, running := eng.stats(); running != 0 {
			t.Errorf("target 0: got %d running, want 0", running)
		}
	})
}

func TestProvisionedFirstThenOverflow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{invokeDelay: 10 * time.Second}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		h.s.SetProvisioned(tg, 2)
		synctest.Wait()
		var outs []<-chan outcome
		for i := range 5 {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
		}
		synctest.Wait()
		if prov, od := kinds(h.s, "acct/f"); prov != 2 || od != 3 {
			t.Errorf("5 requests on 2 provisioned: got %d provisioned and %d on-demand, want 2 and 3", prov, od)
		}
		for _, ch := range outs {
			if o := <-ch; o.err != nil {
				t.Errorf("request: %v", o.err)
			}
		}
		// A lone request goes to a provisioned instance, though the
		// on-demand ones were used more recently.
		res := mustInvoke(t, h, tg, "")
		for _, in := range h.s.Instances("acct/f") {
			if in.ID == string(res.Body) && in.Kind != KindProvisioned {
				t.Errorf("lone request served by %s instance %s, want a provisioned one", in.Kind, in.ID)
			}
		}
	})
}

func TestProvisioningPromotesAndDemotes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		busy := h.invokeAsync(tg, "busy", "sleep 1m") // one busy on-demand instance
		synctest.Wait()
		h.s.SetProvisioned(tg, 1)
		synctest.Wait()
		if starts, _ := eng.stats(); starts != 1 {
			t.Errorf("target 1 with one on-demand instance: got %d starts, want 1 (promoted)", starts)
		}
		if prov, od := kinds(h.s, "acct/f"); prov != 1 || od != 0 {
			t.Errorf("got %d provisioned and %d on-demand, want 1 and 0", prov, od)
		}
		h.s.SetProvisioned(tg, 0) // busy: becomes on-demand, keeps serving
		synctest.Wait()
		if prov, od := kinds(h.s, "acct/f"); prov != 0 || od != 1 {
			t.Errorf("target 0 while busy: got %d provisioned and %d on-demand, want 0 and 1", prov, od)
		}
		if o := <-busy; o.err != nil {
			t.Errorf("busy request: %v", o.err)
		}
	})
}

func TestProvisionedStartFailureIsReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{failStart: func(int) error { return errTest }}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		h.s.SetProvisioned(tg, 2)
		synctest.Wait()
		st := h.s.Provisioned(tg.Key)
		if st.Current != 0 || st.Err == "" {
			t.Errorf("got %+v, want current 0 and the start error", st)
		}
		starts, _ := eng.stats()
		time.Sleep(500 * time.Millisecond) // within the backoff: no retry
		h.s.SetProvisioned(tg, 2)
		synctest.Wait()
		if again, _ := eng.stats(); again != starts {
			t.Errorf("got %d starts during the backoff, want %d", again, starts)
		}
	})
}

// TestProvisionedErrorStaysWhileRetrying: the start error is reported until
// a provisioned instance is ready, not cleared while a retry is starting.
func TestProvisionedErrorStaysWhileRetrying(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: time.Second, failStart: func(n int) error {
			if n == 1 {
				return errTest
			}
			return nil
		}}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		h.s.SetProvisioned(tg, 1)
		time.Sleep(1500 * time.Millisecond) // the first start failed
		synctest.Wait()
		if st := h.s.Provisioned(tg.Key); st.Err == "" {
			t.Fatalf("after the failed start: got %+v, want the start error", st)
		}
		time.Sleep(time.Second)   // past the 1 s backoff (from 1 s): the retry started at 2 s and is ready at 3 s
		h.s.SetProvisioned(tg, 1) // a reconcile round while it starts
		synctest.Wait()
		if starts, _ := eng.stats(); starts != 2 {
			t.Fatalf("%d starts, want the retry under way", starts)
		}
		if st := h.s.Provisioned(tg.Key); st.Current != 0 || st.Err == "" {
			t.Errorf("while the retry starts: got %+v, want current 0 and the last error", st)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if st := h.s.Provisioned(tg.Key); st.Current != 1 || st.Err != "" {
			t.Errorf("once ready: got %+v, want current 1 and no error", st)
		}
	})
}
