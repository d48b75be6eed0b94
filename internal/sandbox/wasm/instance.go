package wasm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

var _ sandbox.Instance = (*Instance)(nil)

// Instance is one function version ready to run: a compiled module, a
// private /tmp and the guest configuration. It runs nothing between
// invocations; each Invoke instantiates the module afresh.
type Instance struct {
	id        string
	eng       *Engine
	module    *module
	config    wazero.ModuleConfig // shared by invocations; each adds env, files and its streams
	codeDir   string
	env       []envVar
	memory    *budget // the linear memory its invocations share
	memoryMB  int
	timeout   time.Duration
	maxOutput int    // bytes of stdout a result may have
	dir       string // scratch dir, the guest's /tmp, removed by Stop
	disk      *disk  // what dir holds, at most diskSize
	sink      *sandbox.LogSink

	// ctx ends running guests when the instance stops.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	running  int           // invocations in progress
	stopping bool          // Stop has begun: new invocations are refused
	drained  chan struct{} // closed once stopping and running == 0

	stopOnce sync.Once
	stopErr  error
	done     chan struct{}
}

// newInstance makes the scratch dir and the guest configuration. On error
// nothing is left behind.
func (e *Engine) newInstance(id string, spec *sandbox.Spec, mod *module) (*Instance, error) {
	codeDir, err := filepath.Abs(spec.CodeDir)
	if err != nil {
		return nil, fmt.Errorf("code dir: %w", err)
	}
	dir, err := e.scratch.take() // the guest's /tmp
	if err != nil {
		return nil, err
	}
	i := &Instance{id: id, eng: e, module: mod, memory: &budget{limit: memoryLimit(spec)}, memoryMB: memoryMB(spec),
		timeout: invokeTimeout(spec), maxOutput: fc.MaxSyncPayload, codeDir: codeDir, dir: dir,
		disk: newDisk(diskLimit(spec)), sink: startSink(spec.Logs), drained: make(chan struct{}), done: make(chan struct{})}
	i.config, i.env = guestConfig(spec.Handler), environment(spec, id)
	i.ctx, i.cancel = context.WithCancel(context.Background())
	return i, nil
}

// guestConfig is what every invocation of the instance shares: argv is the
// handler, real clocks and crypto-random numbers. There are no sockets:
// wazero gives a guest none unless asked to. The environment is not in it:
// wazero's WithEnv appends to a slice its copies share, so configurations
// made concurrently from one base that has an environment would write each
// other's variables. Nor are the files: each invocation has its own view of
// /tmp, which tells its WASI functions when /tmp was full (nospace.go).
func guestConfig(handler string) wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithName(""). // anonymous, so that invocations can run side by side
		WithArgs(handler).
		WithSysWalltime().
		WithSysNanotime().
		WithRandSource(rand.Reader)
}

// ID returns the instance id.
func (i *Instance) ID() string { return i.id }

// Done is closed when Stop has finished: an instance has nothing running
// between invocations, so it never exits on its own.
func (i *Instance) Done() <-chan struct{} { return i.done }

// enter registers an invocation; false once the instance is stopping.
func (i *Instance) enter() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.stopping {
		return false
	}
	i.running++
	return true
}

// leave ends an invocation; the last one out of a stopping instance lets
// its module go.
func (i *Instance) leave() {
	i.mu.Lock()
	i.running--
	last := i.stopping && i.running == 0
	i.mu.Unlock()
	if last {
		i.drain()
	}
}

// drain runs once, when the instance is stopping and nothing runs.
func (i *Instance) drain() {
	i.eng.modules.release(i.module)
	close(i.drained)
}

func (i *Instance) isStopping() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.stopping
}

// Stop ends running invocations (their guests stop at the next function
// call, loop iteration or host call), waits for them at most until ctx
// ends, and removes the scratch directory. Idempotent; the first call's
// result is returned to all.
func (i *Instance) Stop(ctx context.Context) error {
	i.stopOnce.Do(func() { i.stopErr = i.stop(ctx) })
	return i.stopErr
}

func (i *Instance) stop(ctx context.Context) error {
	defer close(i.done)
	i.mu.Lock()
	i.stopping = true
	idle := i.running == 0
	i.mu.Unlock()
	if idle {
		i.drain()
	}
	i.cancel()
	var errs []error
	select {
	case <-i.drained:
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("stop instance %s: invocations still running: %w", i.id, ctx.Err()))
	}
	if err := os.RemoveAll(i.dir); err != nil {
		errs = append(errs, fmt.Errorf("stop instance %s: %w", i.id, err))
	}
	if err := shutSink(ctx, i.sink); err != nil {
		errs = append(errs, fmt.Errorf("stop instance %s: %w", i.id, err))
	}
	return errors.Join(errs...)
}
