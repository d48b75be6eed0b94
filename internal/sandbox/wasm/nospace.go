package wasm

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// wazero's file system errors have no ENOSPC: whatever it does not know
// reaches the guest as EIO. So a full /tmp refuses with errNoSpace (an EIO
// to wazero) and notes the refusal in the invocation's refusal, and the
// WASI functions that can meet a full /tmp turn an EIO that follows a
// refusal into WASI's NOSPC.

// errNoSpace is a full /tmp's error to wazero, outside its errno set.
const errNoSpace experimentalsys.Errno = 0x100

// WASI preview 1 errno values (wasi_snapshot_preview1 witx, enum errno).
const (
	wasiErrnoIO    = 29
	wasiErrnoNoSpc = 51
)

// spaceFunctions are the WASI functions that can grow /tmp.
var spaceFunctions = map[string]bool{
	"fd_write": true, "fd_pwrite": true, "fd_allocate": true, "fd_filestat_set_size": true,
	"path_open": true, "path_create_directory": true, "path_link": true,
}

// refusal is set when an invocation's /tmp refused for lack of space and
// cleared when a WASI function reports it. A WASI command runs on one
// goroutine, so it needs no lock.
type refusal struct{ pending bool }

type refusalKey struct{}

// noSpace notes the refusal and returns the error for wazero.
func (r *refusal) noSpace() experimentalsys.Errno {
	if r != nil {
		r.pending = true
	}
	return errNoSpace
}

// withRefusal returns ctx carrying the invocation's refusal.
func withRefusal(ctx context.Context, r *refusal) context.Context {
	return context.WithValue(ctx, refusalKey{}, r)
}

// instantiateWASI instantiates wazero's WASI preview 1 with the functions
// of spaceFunctions wrapped by reportNoSpace.
func instantiateWASI(ctx context.Context, r wazero.Runtime) error {
	wasi, err := wasi_snapshot_preview1.NewBuilder(r).Compile(ctx)
	if err != nil {
		return err
	}
	defer wasi.Close(ctx)
	b := r.NewHostModuleBuilder(wasiModule)
	for name, def := range wasi.ExportedFunctions() {
		fn, ok := def.GoFunction().(api.GoModuleFunction)
		if !ok {
			return fmt.Errorf("WASI function %s is not a Go module function", name)
		}
		if spaceFunctions[name] {
			fn = reportNoSpace(fn)
		}
		b.NewFunctionBuilder().WithGoModuleFunction(fn, def.ParamTypes(), def.ResultTypes()).
			WithParameterNames(def.ParamNames()...).WithResultNames(def.ResultNames()...).Export(name)
	}
	_, err = b.Instantiate(ctx)
	return err
}

// reportNoSpace makes fn report a refusal of /tmp as NOSPC. It looks at
// the context only when fn failed with EIO.
func reportNoSpace(fn api.GoModuleFunction) api.GoModuleFunction {
	return api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
		fn.Call(ctx, mod, stack)
		if stack[0] != wasiErrnoIO {
			return
		}
		if r, _ := ctx.Value(refusalKey{}).(*refusal); r != nil && r.pending {
			r.pending = false
			stack[0] = wasiErrnoNoSpc
		}
	})
}
