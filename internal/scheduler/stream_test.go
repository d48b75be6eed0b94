package scheduler

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
)

// streamEngine starts instances that answer HTTP invocations with a
// stream whose content is the instance ID; a request with method BREAK
// gets a stream that reports the instance broken.
type streamEngine struct{ fakeEngine }

func (e *streamEngine) Start(ctx context.Context, spec *sandbox.Spec) (sandbox.Instance, error) {
	in, err := e.fakeEngine.Start(ctx, spec)
	if err != nil {
		return nil, err
	}
	return &streamInstance{in.(*fakeInstance)}, nil
}

type streamInstance struct{ *fakeInstance }

func (in *streamInstance) Invoke(ctx context.Context, inv *sandbox.Invocation) (*sandbox.Result, error) {
	if inv.HTTP == nil {
		return in.fakeInstance.Invoke(ctx, inv)
	}
	return &sandbox.Result{Status: 200, Stream: &testStream{Reader: strings.NewReader(in.id), broken: inv.HTTP.Method == "BREAK"}}, nil
}

type testStream struct {
	io.Reader
	broken bool
	mu     sync.Mutex
	closes int
}

func (s *testStream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closes++
	return nil
}

func (s *testStream) Broken() bool { return s.broken }

func openStream(t *testing.T, s *Scheduler, tg *Target, method string) (*sandbox.Result, string) {
	t.Helper()
	res, err := s.Invoke(context.Background(), tg, &sandbox.Invocation{RequestID: method, HTTP: &sandbox.HTTPRequest{Method: method}})
	if err != nil || res.Stream == nil {
		t.Fatalf("Invoke = %+v, %v; want a stream", res, err)
	}
	id, _ := io.ReadAll(res.Stream)
	return res, string(id)
}

func TestStreamHoldsItsSlot(t *testing.T) {
	eng := &streamEngine{}
	s, err := New(Config{MaxInstances: 1}, eng, &fakeCode{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tg := target("fn", 1)
	res, first := openStream(t, s, tg, "GET")
	if got := busy(s); got != 1 {
		t.Fatalf("with the stream open, %d slots are busy, want 1", got)
	}

	// The only slot is the stream's: the next request waits for its Close.
	next := make(chan string, 1)
	go func() { // ends when its Invoke does
		r, err := s.Invoke(context.Background(), tg, &sandbox.Invocation{RequestID: "next", Body: []byte("x")})
		if err != nil {
			t.Errorf("next Invoke: %v", err)
			next <- ""
			return
		}
		next <- string(r.Body)
	}()
	res.Stream.Close()
	res.Stream.Close() // idempotent: the slot is given back once
	if got := <-next; got != first {
		t.Errorf("next request ran on %q, want the stream's instance %q", got, first)
	}
	if got := busy(s); got != 0 {
		t.Errorf("after Close and the next request, %d slots are busy, want 0", got)
	}
	if starts, _ := eng.stats(); starts != 1 {
		t.Errorf("%d instances started, want 1", starts)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestBrokenStreamDrainsItsInstance(t *testing.T) {
	eng := &streamEngine{}
	s, err := New(Config{}, eng, &fakeCode{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	tg := target("fn", 4)
	res, first := openStream(t, s, tg, "BREAK")
	res.Stream.Close()
	res, second := openStream(t, s, tg, "GET")
	res.Stream.Close()
	if first == second {
		t.Errorf("the request after a broken stream ran on the same instance %q, want a new one", first)
	}
}

// busy counts the busy slots of fn's instances.
func busy(s *Scheduler) int {
	n := 0
	for _, in := range s.Instances("fn") {
		n += in.Busy
	}
	return n
}
