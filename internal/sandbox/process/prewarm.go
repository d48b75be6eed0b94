package process

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// A pre-warmed sandbox is an instance launched before its function is
// known (pool.go keeps them). It is made exactly as a fresh one is (its own
// uid, cgroup, namespaces, seccomp, no capabilities) except that:
//   - /code, /opt and /tmp are slots (jail.MakeSlot): empty until the claim
//     mounts the function's code (read-only), its layers (read-only
//     overlay) and a tmpfs of its diskSize on them from the host;
//   - a Node.js or Python runtime boots with YUN_PREWARM=1 and a socket on
//     fd 0: it writes 'R' once booted, blocks until the claim sends the
//     function's environment, then loads the handler, listens and writes
//     'L';
//   - a custom runtime's jail is built and its init waits (jail.Spec
//     Deferred) until the claim execs the user's command.
//
// The claim also sets the cgroup to the function's memory and CPU. The
// runtime boots under a generous memory limit that the claim lowers; it
// then never serves anything but that one function.

// refillDelay is how long after a claim its pool starts booting a
// replacement.
const refillDelay = 50 * time.Millisecond

// prewarmMemoryMB is the memory limit of a sandbox while it waits in the pool.
const prewarmMemoryMB = 512

// prewarmed is what a pre-warmed instance carries besides an instance's own.
type prewarmed struct {
	kind  string
	ctl   *net.UnixConn // the runtime's fd 0 (Node.js, Python); nil for custom
	child *os.File      // the runtime's end of ctl, closed once it runs
	slots struct{ code, opt, tmp string }
	bytes int64 // memory held while in the pool
	// listening: the runtime said 'L', so boot need not poll its port.
	listening bool
}

// assignment is what a pre-warmed runtime receives on fd 0.
type assignment struct {
	Env []string `json:"env"`
	Dir string   `json:"dir"`
}

// poolKind returns the pool a spec may take a sandbox from and whether it
// can use one: every function must use the port pooled sandboxes are
// reached on, and a runtime's startup-only variables (NODE_OPTIONS,
// NODE_EXTRA_CA_CERTS, UV_THREADPOOL_SIZE, NODE_ICU_DATA, PYTHON*, LD_*)
// would be ignored by a runtime that has already started.
func (e *Engine) poolKind(spec *sandbox.Spec) (string, bool) {
	kind := ""
	switch fc.RuntimeKind(spec.Runtime) {
	case fc.KindNode:
		kind = poolNode
	case fc.KindPython:
		kind = poolPython
	case fc.KindCustom:
		kind = poolCustom
	default:
		return "", false
	}
	if e.iso != nil && spec.Port > 0 && spec.Port != fc.DefaultPort {
		return kind, false
	}
	if kind == poolCustom {
		return kind, true // the user's server starts at claim, with its environment
	}
	for k := range spec.Env {
		switch {
		case k == "NODE_OPTIONS", k == "NODE_EXTRA_CA_CERTS", k == "UV_THREADPOOL_SIZE", k == "NODE_ICU_DATA",
			strings.HasPrefix(k, "LD_"), strings.HasPrefix(k, "PYTHON") && k != "PYTHONPATH":
			return kind, false
		}
	}
	return kind, true
}

// poolKindOf is the pool of runtime's sandboxes.
func poolKindOf(runtime string) string {
	switch fc.RuntimeKind(runtime) {
	case fc.KindNode:
		return poolNode
	case fc.KindPython:
		return poolPython
	}
	return poolCustom
}

// prewarm launches a sandbox for runtime and returns once its runtime has
// booted (Node.js, Python) or its jail is built and waiting (custom).
func (e *Engine) prewarm(runtime string) (*Instance, error) {
	id := newID()
	spec := &sandbox.Spec{InstanceID: id, Function: "(pre-warmed)", Runtime: runtime,
		MemoryMB: prewarmMemoryMB, CPU: bootCPU}
	inst, err := e.launch(&launchPlan{spec: spec, id: id, prewarm: true})
	if err != nil {
		return nil, fmt.Errorf("pre-warm %s: %w", runtime, err)
	}
	if err := inst.awaitBooted(e.cfg.StartTimeout); err != nil {
		inst.abort()
		return nil, fmt.Errorf("pre-warm %s: %w", runtime, err)
	}
	return inst, nil
}

// awaitBooted waits for a pooled runtime's 'R'.
func (i *Instance) awaitBooted(timeout time.Duration) error {
	if i.pooled.ctl == nil {
		return nil
	}
	return i.pooled.await('R', time.Now().Add(timeout))
}

// await reads one byte from ctl and checks it is want.
func (w *prewarmed) await(want byte, deadline time.Time) error {
	w.ctl.SetReadDeadline(deadline)
	var b [1]byte
	if _, err := w.ctl.Read(b[:]); err != nil {
		return fmt.Errorf("wait for the runtime: %w", err)
	}
	if b[0] != want {
		return fmt.Errorf("pre-warmed runtime said %q, want %q", b[0], want)
	}
	return nil
}

// heldMemory is what the instance holds now: its cgroup's use in the
// sandbox, else its peak RSS.
func (i *Instance) heldMemory() int64 {
	if i.jail != nil {
		return i.jail.cgroup.Current()
	}
	if i.memory != nil {
		return i.memory.peak()
	}
	return 0
}

// startPrewarmed starts spec in a pre-warmed sandbox when the pool has one
// it can use. It returns false when the pool had none (a miss): the caller
// boots from scratch. A failed claim is returned as is when the user's code
// is at fault, and otherwise turned into a miss.
func (e *Engine) startPrewarmed(ctx context.Context, id string, spec *sandbox.Spec) (*Instance, bool, error) {
	if e.pool == nil {
		return nil, false, nil
	}
	kind, usable := e.poolKind(spec)
	inst := e.pool.take(kind, usable)
	if inst == nil {
		return nil, false, nil
	}
	err := e.claim(ctx, inst, id, spec)
	// The refill (a runtime booting, ~100 ms of CPU) would compete with the
	// first request, which usually follows at once: it starts a moment later.
	time.AfterFunc(refillDelay, e.pool.poke)
	if err == nil {
		return inst, true, nil
	}
	inst.abort()
	var initErr *sandbox.InitError
	if errors.As(err, &initErr) || ctx.Err() != nil {
		return nil, true, err
	}
	e.log.Warn("claim a pre-warmed sandbox; starting from scratch", "function", spec.Function, "err", err)
	return nil, false, nil
}

// claim gives the pooled inst to spec's function as instance id and runs
// it up to ready, as boot does for a fresh one.
func (e *Engine) claim(ctx context.Context, inst *Instance, id string, spec *sandbox.Spec) (err error) {
	p := &launchPlan{spec: spec, id: id, port: inst.port, confined: inst.jail}
	if p.hostCodeDir, err = filepath.Abs(spec.CodeDir); err != nil {
		return fmt.Errorf("code dir %q: %w", spec.CodeDir, err)
	}
	if e.iso != nil {
		p.codeDir, p.tmpDir, p.uid = codeMount, tmpMount, inst.jail.uid
		if err := e.iso.fill(inst, p); err != nil {
			return err
		}
	} else {
		p.codeDir, p.tmpDir = p.hostCodeDir, filepath.Join(inst.dir, "tmp")
	}
	env := e.environ(p)
	inst.assign(id, spec)
	if inst.pooled.kind == poolCustom {
		if err := e.execCustom(inst, p, env); err != nil {
			return err
		}
	} else if err := inst.deliver(&assignment{Env: env, Dir: p.codeDir}, e.cfg.StartTimeout); err != nil {
		return err
	}
	return inst.boot(ctx, e.cfg.StartTimeout)
}

// fill mounts the function's code, layers and /tmp into inst's slots,
// gives its cgroup the function's memory and CPU, and its network
// namespace outbound access when the function has internetAccess.
func (iso *isolation) fill(inst *Instance, p *launchPlan) error {
	s := inst.pooled.slots
	if p.spec.InternetAccess { // released with the confinement, as for a fresh start
		inst.jail.internetAccess = true
		inst.jail.detach = iso.internet.attach(inst.jail.netns)
	}
	if err := jail.FillBind(s.code, p.hostCodeDir); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if layers, err := absolute(p.spec.Layers); err != nil {
		return fmt.Errorf("claim: %w", err)
	} else if len(layers) > 0 {
		if err := jail.FillOverlay(s.opt, layers); err != nil {
			return fmt.Errorf("claim: layers: %w", err)
		}
	}
	if err := jail.FillTmpfs(s.tmp, diskBytes(p.spec)); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	l := iso.limits(p.spec)
	if err := inst.jail.cgroup.SetMemory(l.MemoryBytes); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if err := inst.jail.cgroup.SetBackground(false); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if p.spec.CPU <= 0 { // boot() sets a positive cpu
		if err := inst.jail.cgroup.SetCPU(0); err != nil {
			return fmt.Errorf("claim: %w", err)
		}
	}
	return nil
}

// assign makes inst the instance id of spec: its headers and its logs.
func (i *Instance) assign(id string, spec *sandbox.Spec) {
	i.id, i.spec = id, spec
	i.headers = commonHeaders(spec, id)
	i.sink = sandbox.NewLogSink(spec.Logs)
	if i.sink != nil {
		i.wg.Go(i.sink.Run)
	}
	i.capture.sink.Store(i.sink)
}

// deliver sends a pooled Node.js or Python runtime its function and waits
// until it listens. If the runtime dies instead, boot reports it.
func (i *Instance) deliver(a *assignment, timeout time.Duration) error {
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	ctl := i.pooled.ctl
	ctl.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := ctl.Write(data); err != nil {
		return fmt.Errorf("claim: send the function: %w", err)
	}
	if err := ctl.CloseWrite(); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	err = i.pooled.await('L', time.Now().Add(timeout))
	switch {
	case err == nil:
		i.pooled.listening = true // it listened before it said 'R'
	case !i.exitedWithin(exitWait):
		return fmt.Errorf("claim: %w", err)
	}
	return nil // an exited runtime is boot's to report
}

// execCustom runs the user's command in a pooled custom jail.
func (e *Engine) execCustom(inst *Instance, p *launchPlan, env []string) error {
	argv, err := confinedCustomArgv(p)
	if err != nil {
		return &sandbox.InitError{Body: errorBody(err.Error(), sandbox.ErrorInitialization), Err: err}
	}
	err = inst.jail.launch.Exec(&jail.Exec{Argv: argv, Env: env, Dir: codeMount})
	if jail.IsExecError(err) {
		return &sandbox.InitError{Body: errorBody(err.Error(), sandbox.ErrorInitialization), Err: err}
	}
	return err
}

// release closes the control socket and unmounts the slots. The process
// must have exited.
func (w *prewarmed) release() {
	if w.ctl != nil {
		w.ctl.Close()
	}
	if w.child != nil {
		w.child.Close()
	}
	for _, slot := range []string{w.slots.code, w.slots.opt, w.slots.tmp} {
		if slot != "" {
			jail.Unmount(slot)
		}
	}
}

// makeSlots makes the code, opt and tmp slots of a pooled sandbox in dir.
func (w *prewarmed) makeSlots(dir string) error {
	for _, s := range []struct {
		field *string
		name  string
	}{{&w.slots.code, "code"}, {&w.slots.opt, "opt"}, {&w.slots.tmp, "tmp"}} {
		path := filepath.Join(dir, s.name)
		if err := jail.MakeSlot(path); err != nil {
			w.release()
			return fmt.Errorf("slot: %w", err)
		}
		*s.field = path
	}
	return nil
}

// control makes the socket pair a pooled Node.js or Python runtime gets on
// fd 0.
func (w *prewarmed) control() error {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	w.child = os.NewFile(uintptr(fds[1]), "prewarm-child")
	parent := os.NewFile(uintptr(fds[0]), "prewarm")
	defer parent.Close()
	c, err := net.FileConn(parent)
	if err != nil {
		w.child.Close()
		return fmt.Errorf("control socket: %w", err)
	}
	w.ctl = c.(*net.UnixConn)
	return nil
}

// absolute returns dirs made absolute.
func absolute(dirs []string) ([]string, error) {
	out := make([]string, len(dirs))
	for i, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, fmt.Errorf("layer %q: %w", d, err)
		}
		out[i] = abs
	}
	return out, nil
}

// diskBytes is the size of spec's /tmp.
func diskBytes(spec *sandbox.Spec) int64 {
	disk := spec.DiskMB
	if disk <= 0 {
		disk = fc.DefaultDiskSize
	}
	return int64(disk) << 20
}
