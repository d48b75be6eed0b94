package scheduler

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// fakeSource serves provision configs that the test changes.
type fakeSource struct {
	mu      sync.Mutex
	entries []ProvisionEntry
}

func (f *fakeSource) ProvisionConfigs(context.Context) ([]ProvisionEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.entries, nil
}

func (f *fakeSource) set(entries ...ProvisionEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = entries
}

func ptrTo[T any](v T) *T { return &v }

func TestReconcilerFollowsScheduleAndConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		// synctest's clock starts at 2000-01-01 00:00:00 UTC.
		peak := time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04:05")
		src := &fakeSource{}
		src.set(ProvisionEntry{Target: tg, Config: &fc.PutProvisionConfigInput{Target: ptrTo(1),
			ScheduledActions: []fc.ScheduledAction{{Name: "peak", ScheduleExpression: "at(" + peak + ")", Target: ptrTo(4)}}}})
		h.s.StartProvisioning(src)
		running := func(when string, want int) {
			t.Helper()
			synctest.Wait()
			if _, got := eng.stats(); got != want {
				t.Errorf("%s: got %d instances running, want %d", when, got, want)
			}
		}
		running("at start", 1)
		time.Sleep(time.Hour - time.Second)
		running("a second before the action", 1)
		time.Sleep(time.Second)
		time.Sleep(time.Second) // the next round
		running("after the action", 4)
		src.set() // config deleted
		h.s.ProvisionChanged()
		running("config deleted", 0)
	})
}

func TestReconcilerTracksLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{}
		h := newHarness(t, Config{}, eng)
		defer h.close()
		tg := target("acct/f", 1)
		src := &fakeSource{}
		src.set(ProvisionEntry{Target: tg, Config: &fc.PutProvisionConfigInput{Target: ptrTo(0),
			TargetTrackingPolicies: []fc.TargetTrackingPolicy{{Name: "util", MetricType: fc.MetricProvisionedConcurrencyUtilization,
				MetricTarget: ptrTo(0.5), MinCapacity: ptrTo(1), MaxCapacity: ptrTo(10)}}}})
		h.s.StartProvisioning(src)
		var outs []<-chan outcome
		for i := range 3 {
			outs = append(outs, h.invokeAsync(tg, fmt.Sprint(i), "sleep 1h"))
		}
		time.Sleep(time.Minute) // a full window of 3 in flight
		synctest.Wait()
		if st := h.s.Provisioned(tg.Key); st.Target != 6 {
			t.Errorf("3 in flight at 50%%: got target %d, want 6", st.Target)
		}
		for _, ch := range outs {
			<-ch
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if st := h.s.Provisioned(tg.Key); st.Target != 1 {
			t.Errorf("idle: got target %d, want minCapacity 1", st.Target)
		}
	})
}
