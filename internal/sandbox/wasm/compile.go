package wasm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// wasiModule is the import module name of WASI preview 1.
const wasiModule = wasi_snapshot_preview1.ModuleName

// compile reads, packs and compiles the module at path and checks that it
// is a WASI command Yun can run. Errors describe the user's module and
// never name host paths.
func (e *Engine) compile(path string) (wazero.CompiledModule, uint32, error) {
	bin, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("read module: %w", pathless(err))
	}
	if !bytes.HasPrefix(bin, []byte("\x00asm")) {
		return nil, 0, errors.New("not a WebAssembly module (no \\0asm header)")
	}
	ctx := context.Background()
	compiled, err := e.runtime.CompileModule(ctx, packData(bin))
	if err != nil {
		return nil, 0, fmt.Errorf("invalid WebAssembly module: %w", err)
	}
	minPages, err := e.checkCommand(compiled)
	if err != nil {
		compiled.Close(ctx)
		return nil, 0, err
	}
	e.log.Debug("module compiled", "bytes", len(bin), "memoryPages", minPages)
	return compiled, minPages, nil
}

// checkCommand checks that compiled is a WASI preview 1 command: it exports
// "_start" taking and returning nothing and its memory as "memory", and it
// imports nothing but WASI functions. It returns the memory's initial pages.
func (e *Engine) checkCommand(compiled wazero.CompiledModule) (uint32, error) {
	start, ok := compiled.ExportedFunctions()["_start"]
	if !ok {
		return 0, errors.New("the module is not a WASI command: it exports no _start function")
	}
	if len(start.ParamTypes()) > 0 || len(start.ResultTypes()) > 0 {
		return 0, errors.New("the module's _start function must take and return nothing")
	}
	for _, fn := range compiled.ImportedFunctions() {
		module, name, _ := fn.Import()
		if module != wasiModule || !e.wasi[name] {
			return 0, fmt.Errorf("the module imports %s.%s; only WASI preview 1 (%s) is provided",
				module, name, wasiModule)
		}
	}
	if mems := compiled.ImportedMemories(); len(mems) > 0 {
		return 0, errors.New("the module imports its memory; a WASI command defines its own")
	}
	mem, ok := compiled.ExportedMemories()["memory"]
	if !ok {
		return 0, errors.New(`the module exports no memory named "memory", as WASI requires`)
	}
	return mem.Min(), nil
}
