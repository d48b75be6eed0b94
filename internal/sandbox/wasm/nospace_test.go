package wasm

import (
	"context"
	"slices"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// TestReportNoSpace checks that only an EIO that follows a refusal of /tmp
// becomes NOSPC, and that the refusal is then cleared.
func TestReportNoSpace(t *testing.T) {
	tests := []struct {
		name    string
		pending bool
		errno   uint64
		want    uint64
	}{
		{"refused", true, wasiErrnoIO, wasiErrnoNoSpc},
		{"an I/O error of the host", false, wasiErrnoIO, wasiErrnoIO},
		{"another error after a refusal", true, 8, 8},
		{"success", false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &refusal{pending: tt.pending}
			fn := reportNoSpace(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
				stack[0] = tt.errno
			}))
			stack := []uint64{0}
			fn.Call(withRefusal(context.Background(), r), nil, stack)
			if stack[0] != tt.want {
				t.Errorf("errno = %d, want %d", stack[0], tt.want)
			}
			if r.pending && tt.want == wasiErrnoNoSpc {
				t.Errorf("the refusal is still pending after it was reported")
			}
		})
	}
}

// TestInstantiateWASI checks that the engine's WASI offers every function
// of wazero's, with the same signatures.
func TestInstantiateWASI(t *testing.T) {
	ctx := context.Background()
	ours, theirs := wazero.NewRuntime(ctx), wazero.NewRuntime(ctx)
	defer ours.Close(ctx)
	defer theirs.Close(ctx)
	if err := instantiateWASI(ctx, ours); err != nil {
		t.Fatal(err)
	}
	wasi_snapshot_preview1.MustInstantiate(ctx, theirs)
	got := ours.Module(wasiModule).ExportedFunctionDefinitions()
	want := theirs.Module(wasiModule).ExportedFunctionDefinitions()
	if len(got) != len(want) {
		t.Errorf("%d functions, want %d", len(got), len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok || !slices.Equal(g.ParamTypes(), w.ParamTypes()) || !slices.Equal(g.ResultTypes(), w.ResultTypes()) {
			t.Errorf("%s: got %v, want params %v results %v", name, g, w.ParamTypes(), w.ResultTypes())
		}
	}
}
