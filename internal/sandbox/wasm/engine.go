package wasm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"

	"github.com/yun-fc/yun/internal/sandbox"
)

// Runtime is the runtime name of WASI preview 1 modules.
const Runtime = "wasm.wasip1"

// Errors of Start.
var (
	// ErrRuntimeUnavailable is returned for a runtime other than Runtime.
	ErrRuntimeUnavailable = errors.New("runtime not available on this engine")
	// ErrClosed is returned once the engine is closed.
	ErrClosed = errors.New("wasm engine closed")
)

var _ sandbox.Engine = (*Engine)(nil)

// Engine runs WASI preview 1 modules in Yun's process.
type Engine struct {
	cfg          Config
	log          *slog.Logger
	runtime      wazero.Runtime
	cache        wazero.CompilationCache
	wasi         map[string]bool // the functions WASI preview 1 provides
	modules      *moduleCache
	memory       *memoryPool
	scratch      *scratchDirs
	instancesDir string

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// New makes the wazero runtime and its compilation cache and removes
// instance directories a previous run left behind.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, log: cfg.Logger, instancesDir: filepath.Join(cfg.RunDir, "instances")}
	if err := resetDir(e.instancesDir); err != nil {
		return nil, fmt.Errorf("wasm engine: %w", err)
	}
	if e.cache, err = compilationCache(cfg.CacheDir); err != nil {
		return nil, fmt.Errorf("wasm engine: %w", err)
	}
	if e.runtime, e.wasi, err = newRuntime(e.cache); err != nil {
		e.cache.Close(context.Background())
		return nil, fmt.Errorf("wasm engine: %w", err)
	}
	e.modules = newModuleCache(cfg.MaxIdleModules, e.compile)
	e.memory = newMemoryPool(cfg.MemoryPool)
	go e.memory.run()
	e.scratch = newScratchDirs(e.instancesDir, e.log)
	go e.scratch.run()
	e.log.Info("wasm engine ready", "runDir", cfg.RunDir, "cacheDir", cfg.CacheDir)
	return e, nil
}

// newRuntime makes the runtime every instance runs on, with WASI preview 1,
// and returns it with the names of the WASI functions.
func newRuntime(cache wazero.CompilationCache) (wazero.Runtime, map[string]bool, error) {
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCompilationCache(cache).WithCloseOnContextDone(true))
	if err := instantiateWASI(ctx, r); err != nil {
		r.Close(ctx)
		return nil, nil, fmt.Errorf("instantiate WASI: %w", err)
	}
	wasi := map[string]bool{}
	for name := range r.Module(wasiModule).ExportedFunctionDefinitions() {
		wasi[name] = true
	}
	return r, wasi, nil
}

func resetDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clean %q: %w", dir, err)
	}
	return os.MkdirAll(dir, 0o755)
}

// compilationCache keeps compiled code in dir, or in memory when dir is "".
func compilationCache(dir string) (wazero.CompilationCache, error) {
	if dir == "" {
		return wazero.NewCompilationCache(), nil
	}
	c, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, fmt.Errorf("compilation cache %q: %w", dir, err)
	}
	return c, nil
}

// Runtimes lists the one runtime this engine runs.
func (e *Engine) Runtimes() []string { return []string{Runtime} }

// Start makes an instance of spec: the module compiled (or taken from the
// cache) and checked, and a private /tmp. Failures caused by the user's
// code or configuration are *sandbox.InitError; nothing is left behind.
func (e *Engine) Start(ctx context.Context, spec *sandbox.Spec) (sandbox.Instance, error) {
	if spec.Runtime != Runtime {
		return nil, fmt.Errorf("start %q: runtime %q: %w (available: %s)",
			spec.Function, spec.Runtime, ErrRuntimeUnavailable, Runtime)
	}
	if e.closed.Load() {
		return nil, fmt.Errorf("start %q: %w", spec.Function, ErrClosed)
	}
	id, err := instanceID(spec.InstanceID)
	if err != nil {
		return nil, fmt.Errorf("start %q: %w", spec.Function, err)
	}
	mod, err := e.load(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("start %q instance %s: %w", spec.Function, id, err)
	}
	inst, err := e.newInstance(id, spec, mod)
	if err != nil {
		e.modules.release(mod)
		return nil, fmt.Errorf("start %q instance %s: %w", spec.Function, id, err)
	}
	e.log.Debug("instance ready", "function", spec.Function, "instance", id)
	return inst, nil
}

// load checks spec and returns its compiled module. Problems of the user's
// making are *sandbox.InitError.
func (e *Engine) load(ctx context.Context, spec *sandbox.Spec) (*module, error) {
	path, err := checkSpec(spec)
	if err != nil {
		return nil, initError(err)
	}
	mod, err := e.modules.acquire(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, initError(fmt.Errorf("module %q: %w", spec.Handler, err))
	}
	if need := uint64(mod.minPages) * pageSize; need > memoryLimit(spec) {
		e.modules.release(mod)
		return nil, initError(fmt.Errorf("module %q needs %d MB of memory to start, more than the function's memorySize of %d MB",
			spec.Handler, (need+1<<20-1)>>20, memoryMB(spec)))
	}
	return mod, nil
}

// Close releases the runtime, the compiled modules and the memory pool.
// Stop every instance first. Idempotent.
func (e *Engine) Close(ctx context.Context) error {
	e.closeOnce.Do(func() {
		e.closed.Store(true)
		e.modules.close(ctx)
		e.memory.close()
		e.scratch.close()
		e.closeErr = errors.Join(e.runtime.Close(ctx), e.cache.Close(ctx))
	})
	return e.closeErr
}

// initError is a start failure caused by the user's code or configuration.
func initError(err error) *sandbox.InitError {
	msg := err.Error()
	return &sandbox.InitError{Body: errorBody(msg, sandbox.ErrorInitialization), Log: []byte(msg + "\n"), Err: err}
}
