package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// These scenarios run under synctest: time is fake.

// TestHeadroomStartsBeforeTheQueue: with TargetUtilization 0.7 and
// instanceConcurrency 10, the eighth request in flight on one instance
// starts a second one while it is served at once; packing leaves the spare
// idle, and its keep-alive reclaims it.
func TestHeadroomStartsBeforeTheQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: 100 * time.Millisecond, invokeDelay: 10 * time.Second, slots: 10}
		h := newHarness(t, Config{KeepAlive: time.Minute, TargetUtilization: 0.7}, eng)
		defer h.close()
		tg := target("acct/f", 10)
		mustInvoke(t, h, tg, "sleep 0s") // one warm instance
		started := func(when string, want int) {
			t.Helper()
			synctest.Wait()
			if got, _ := eng.stats(); got != want {
				t.Errorf("%s: got %d starts, want %d", when, got, want)
			}
		}
		begin := time.Now()
		var outs []<-chan outcome
		for i := range 7 {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
		}
		started("7 in flight", 1)
		outs = append(outs, h.invokeAsync(tg, "7", ""))
		started("8 in flight", 2)
		for i := 8; i < 10; i++ {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
		}
		started("10 in flight", 2)
		first := ""
		for i, ch := range outs {
			o := <-ch
			if o.err != nil {
				t.Fatalf("request %d: %v", i, o.err)
			}
			if took := o.at.Sub(begin); took != 10*time.Second {
				t.Errorf("request %d took %v, want 10s (served at once, never queued)", i, took)
			}
			if first == "" {
				first = string(o.res.Body)
			}
			if string(o.res.Body) != first {
				t.Errorf("request %d ran on %s, want %s: packing leaves the spare idle", i, o.res.Body, first)
			}
		}
		time.Sleep(55 * time.Second) // the spare, idle since 0.1s, is past its keep-alive
		synctest.Wait()
		if _, running := eng.stats(); running != 1 {
			t.Errorf("after the load: got %d instances running, want 1 (the idle spare reclaimed)", running)
		}
	})
}

// TestHeadroomSettings: TargetUtilization 1 starts instances only for
// requests that would queue; concurrency 1 gets no spare either.
func TestHeadroomSettings(t *testing.T) {
	tests := []struct {
		name       string
		u          float64
		slots      int
		inflight   int
		wantStarts int
	}{
		{"utilisation 1, 10 of 10 slots", 1, 10, 10, 1},
		{"utilisation 0.5, 6 of 10 slots", 0.5, 10, 6, 2},
		{"utilisation 0.5, 11 on 10 slots", 0.5, 10, 11, 3},
		{"concurrency 1, 3 in flight", 0.7, 1, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := &fakeEngine{startDelay: 100 * time.Millisecond, invokeDelay: 10 * time.Second, slots: tt.slots}
				h := newHarness(t, Config{TargetUtilization: tt.u}, eng)
				defer h.close()
				tg := target("acct/f", tt.slots)
				var outs []<-chan outcome
				for i := range tt.inflight {
					outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
					synctest.Wait() // one after the other, as arrivals
				}
				for i, ch := range outs {
					if o := <-ch; o.err != nil {
						t.Errorf("request %d: %v", i, o.err)
					}
				}
				if starts, _ := eng.stats(); starts != tt.wantStarts {
					t.Errorf("got %d starts, want %d", starts, tt.wantStarts)
				}
			})
		})
	}
}

// TestHeadroomSparesProvisioned: provisioned instances are filled to their
// last slot before any on-demand instance starts, and the first request
// beyond them starts exactly one.
func TestHeadroomSparesProvisioned(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: 100 * time.Millisecond, invokeDelay: 10 * time.Second, slots: 10}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 10)
		if err := h.s.SetProvisioned(tg, 2); err != nil {
			t.Fatalf("SetProvisioned: %v", err)
		}
		time.Sleep(time.Second)
		var outs []<-chan outcome
		for i := range 20 {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
		}
		synctest.Wait()
		if prov, od := kinds(h.s, tg.Function); prov != 2 || od != 0 {
			t.Errorf("20 in flight on 2 × 10 provisioned slots: got %d provisioned and %d on demand, want 2 and 0", prov, od)
		}
		outs = append(outs, h.invokeAsync(tg, "20", ""))
		synctest.Wait()
		if prov, od := kinds(h.s, tg.Function); prov != 2 || od != 1 {
			t.Errorf("21 in flight: got %d provisioned and %d on demand, want 2 and 1", prov, od)
		}
		for i, ch := range outs {
			if o := <-ch; o.err != nil {
				t.Errorf("request %d: %v", i, o.err)
			}
		}
	})
}

// TestMaxStartingBoundsABootStorm: 40 requests on a cold function of
// concurrency 1 start their instances at most MaxStarting at a time, each
// round as the previous one becomes ready, and all are served.
func TestMaxStartingBoundsABootStorm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: 100 * time.Millisecond, invokeDelay: time.Second, slots: 1}
		h := newHarness(t, Config{MaxStarting: 4, TargetUtilization: 1}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		var outs []<-chan outcome
		for i := range 40 {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), ""))
		}
		most := 0
		for range 20 {
			synctest.Wait()
			starting := 0
			for _, in := range h.s.Instances(tg.Function) {
				if in.State == StateStarting {
					starting++
				}
			}
			most = max(most, starting)
			time.Sleep(50 * time.Millisecond)
		}
		for i, ch := range outs {
			if o := <-ch; o.err != nil {
				t.Errorf("request %d: %v", i, o.err)
			}
		}
		if most != 4 {
			t.Errorf("got at most %d instances starting at once, want 4", most)
		}
		if starts, _ := eng.stats(); starts != 40 {
			t.Errorf("got %d starts, want 40 (one per request, in rounds of 4)", starts)
		}
	})
}

// failFirstEngine fails its first start early, before any other start ends.
type failFirstEngine struct {
	*fakeEngine
	n atomic.Int32
}

func (e *failFirstEngine) Start(ctx context.Context, spec *sandbox.Spec) (sandbox.Instance, error) {
	if e.n.Add(1) == 1 {
		time.Sleep(10 * time.Millisecond)
		return nil, errors.New("transient")
	}
	return e.fakeEngine.Start(ctx, spec)
}

// TestFailedStartFailsOnlyItsShare: with boots capped (MaxStarting), one
// failed start fails only the waiter it would have served; the others are
// served by the instances still starting and those started after.
func TestFailedStartFailsOnlyItsShare(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &failFirstEngine{fakeEngine: &fakeEngine{startDelay: 100 * time.Millisecond, invokeDelay: 10 * time.Millisecond, slots: 1}}
		s, err := New(Config{MaxStarting: 2, TargetUtilization: 1}, eng, &fakeCode{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(context.Background())
		tg := target("acct/f", 1)
		var outs []chan error
		for i := range 10 {
			ch := make(chan error, 1)
			go func() {
				_, err := s.Invoke(context.Background(), tg, &sandbox.Invocation{RequestID: fmt.Sprint(i)})
				ch <- err
			}()
			outs = append(outs, ch)
		}
		failed := 0
		for _, ch := range outs {
			if err := <-ch; err != nil {
				failed++
			}
		}
		if failed != 1 {
			t.Errorf("%d of 10 requests failed, want 1 (the failed start's share)", failed)
		}
	})
}
