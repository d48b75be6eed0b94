package sandbox

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

type fakeEngine struct {
	runtimes []string
	started  []string
}

func (f *fakeEngine) Runtimes() []string { return f.runtimes }

func (f *fakeEngine) Start(_ context.Context, spec *Spec) (Instance, error) {
	f.started = append(f.started, spec.Runtime)
	return nil, nil
}

func TestRouter(t *testing.T) {
	proc := &fakeEngine{runtimes: []string{"nodejs20", "python3"}}
	wasm := &fakeEngine{runtimes: []string{"wasm.wasip1", "python3"}}
	r := Router{proc, wasm}
	if got, want := r.Runtimes(), []string{"nodejs20", "python3", "wasm.wasip1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Runtimes: got %v, want %v", got, want)
	}
	for _, rt := range []string{"nodejs20", "wasm.wasip1", "python3"} {
		if _, err := r.Start(context.Background(), &Spec{Runtime: rt}); err != nil {
			t.Fatalf("Start %s: %v", rt, err)
		}
	}
	if !reflect.DeepEqual(proc.started, []string{"nodejs20", "python3"}) || !reflect.DeepEqual(wasm.started, []string{"wasm.wasip1"}) {
		t.Errorf("routed: process got %v, wasm got %v; want the first engine listed to win", proc.started, wasm.started)
	}
	if _, err := r.Start(context.Background(), &Spec{Runtime: "java11"}); !errors.Is(err, ErrNoEngine) {
		t.Errorf("unknown runtime: got %v, want ErrNoEngine", err)
	}
}
