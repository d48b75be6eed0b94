package scheduler

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

func TestCloseDrainsAdmittedRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{MaxInstances: 1}, &fakeEngine{})
		tg := target("acct/f", 1)
		busy := h.invokeAsync(tg, "busy", "sleep 10s")
		synctest.Wait()
		queued := h.invokeAsync(tg, "queued", "")
		synctest.Wait()
		closeDone := make(chan error, 1)
		go func() { closeDone <- h.s.Close(context.Background()) }()
		synctest.Wait()
		_, err := h.invoke(t.Context(), tg, "late", "")
		wantRefusal(t, err, ErrClosed, http.StatusServiceUnavailable, fc.CodeServiceUnavailable)
		for name, ch := range map[string]<-chan outcome{"busy": busy, "queued": queued} {
			if o := <-ch; o.err != nil {
				t.Errorf("%s request: got %v, want it served", name, o.err)
			}
		}
		if err := <-closeDone; err != nil {
			t.Errorf("Close: got %v, want nil", err)
		}
		h.checkAllStopped()
		if err := h.s.Close(t.Context()); err != nil {
			t.Errorf("second Close: got %v, want nil", err)
		}
	})
}

func TestCloseDeadlineStopsEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, Config{MaxInstances: 1}, &fakeEngine{})
		tg := target("acct/f", 1)
		busy := h.invokeAsync(tg, "busy", "sleep 10m")
		synctest.Wait()
		queued := h.invokeAsync(tg, "queued", "")
		synctest.Wait()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := h.s.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close: got %v, want context.DeadlineExceeded", err)
		}
		if o := <-queued; !errors.Is(o.err, ErrClosed) {
			t.Errorf("queued request: got %v, want ErrClosed", o.err)
		}
		if o := <-busy; !errors.Is(o.err, sandbox.ErrStopped) {
			t.Errorf("running request: got %v, want sandbox.ErrStopped", o.err)
		}
		h.checkAllStopped()
	})
}

func TestCloseAbandonsStarts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &fakeEngine{startDelay: time.Hour}
		h := newHarness(t, Config{}, eng)
		tg := target("acct/f", 1)
		queued := h.invokeAsync(tg, "queued", "")
		synctest.Wait()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := h.s.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close: got %v, want context.DeadlineExceeded", err)
		}
		if o := <-queued; !errors.Is(o.err, ErrClosed) {
			t.Errorf("queued request: got %v, want ErrClosed", o.err)
		}
		if starts, _ := eng.stats(); starts != 1 {
			t.Errorf("got %d starts, want 1", starts)
		}
		h.checkAllStopped()
	})
}
