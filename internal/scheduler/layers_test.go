package scheduler

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// specEngine is a fakeEngine that keeps the specs it was asked to start.
type specEngine struct {
	*fakeEngine
	mu    sync.Mutex
	specs []sandbox.Spec
}

func (e *specEngine) Start(ctx context.Context, spec *sandbox.Spec) (sandbox.Instance, error) {
	e.mu.Lock()
	e.specs = append(e.specs, *spec)
	e.mu.Unlock()
	return e.fakeEngine.Start(ctx, spec)
}

// failingCode is a fakeCode that cannot produce one checksum.
type failingCode struct {
	*fakeCode
	bad string
}

func (c *failingCode) Acquire(ctx context.Context, checksum string) (string, func(), error) {
	if checksum == c.bad {
		return "", nil, errors.New("no such package")
	}
	return c.fakeCode.Acquire(ctx, checksum)
}

func TestLayersAreAcquiredInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := &specEngine{fakeEngine: &fakeEngine{startDelay: time.Millisecond}}
		code := &fakeCode{}
		s, err := New(Config{}, eng, code, nil)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		tg := target("acct/f", 1)
		tg.Layers = []string{"aaa", "bbb"}
		if _, err := s.Invoke(t.Context(), tg, &sandbox.Invocation{RequestID: "r1"}); err != nil {
			t.Fatalf("Invoke: %v", err)
		}
		if len(eng.specs) != 1 {
			t.Fatalf("got %d starts, want 1", len(eng.specs))
		}
		got := eng.specs[0]
		if got.CodeDir != "/code/123" || !slices.Equal(got.Layers, []string{"/code/aaa", "/code/bbb"}) {
			t.Errorf("started with code %q and layers %q; want /code/123 and [/code/aaa /code/bbb]", got.CodeDir, got.Layers)
		}
		if held := code.holding(); held != 3 {
			t.Errorf("a running instance holds %d packages, want 3 (code and two layers)", held)
		}
		s.Close(context.Background())
		if held := code.holding(); held != 0 {
			t.Errorf("after Close %d packages are still held, want 0", held)
		}
	})
}

func TestMissingLayerFailsTheStartAndReleasesTheRest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		code := &failingCode{fakeCode: &fakeCode{}, bad: "bbb"}
		s, err := New(Config{}, &fakeEngine{}, code, nil)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		defer s.Close(context.Background())
		tg := target("acct/f", 1)
		tg.Layers = []string{"aaa", "bbb"}
		_, err = s.Invoke(t.Context(), tg, &sandbox.Invocation{RequestID: "r1"})
		if err == nil || !strings.Contains(err.Error(), "layer 2") {
			t.Fatalf("Invoke = %v, want an error naming layer 2", err)
		}
		if held := code.holding(); held != 0 {
			t.Errorf("after the failed start %d packages are held, want 0", held)
		}
	})
}
