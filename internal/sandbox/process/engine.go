package process

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/yun-fc/yun/internal/busypoll"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// ErrRuntimeUnavailable is returned by Start for a runtime this node cannot run.
var ErrRuntimeUnavailable = errors.New("runtime not available on this node")

var _ sandbox.Engine = (*Engine)(nil)

// Engine starts instances as child processes of Yun.
type Engine struct {
	cfg          Config
	log          *slog.Logger
	node, python interpreter
	bootstrap    bootstrapFiles
	runtimes     []string
	instancesDir string
	iso          *isolation     // nil with IsolationNone
	pool         *pool          // nil without Config.Prewarm
	exchanges    *busypoll.Gate // the exchanges with instances (Config.Poller)
}

// New detects the interpreters of this host and, unless cfg.Isolation is
// IsolationNone, that it can sandbox instances (an error wrapping
// ErrIsolationUnavailable says why not). It removes what a previous run
// left behind (cgroups, killing what still runs in them, and instance
// directories) and writes the bootstraps into cfg.RunDir.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, log: cfg.Logger, instancesDir: filepath.Join(cfg.RunDir, "instances"),
		exchanges: cfg.Poller.Gate()}
	if e.node, err = findNode(cfg.NodePath); err != nil {
		return nil, fmt.Errorf("process engine: %w", err)
	}
	if e.python, err = findPython(cfg.PythonPath); err != nil {
		return nil, fmt.Errorf("process engine: %w", err)
	}
	e.runtimes = runtimeNames(e.node, e.python)
	if cfg.Isolation == IsolationSandbox {
		if e.iso, err = newIsolation(cfg, e.log, e.node.path, e.python.path); err != nil {
			return nil, fmt.Errorf("process engine: %w", err)
		}
	}
	if err := e.cleanInstances(); err != nil {
		return nil, fmt.Errorf("process engine: %w", err)
	}
	if e.bootstrap, err = writeBootstraps(filepath.Join(cfg.RunDir, "bootstrap")); err != nil {
		return nil, fmt.Errorf("process engine: %w", err)
	}
	if cfg.Prewarm.enabled() {
		e.pool = newPool(e, cfg.Prewarm)
	}
	e.log.Info("process engine ready", "runDir", cfg.RunDir, "isolation", cfg.Isolation, "cgroup", e.cgroupVersion(),
		"userns", e.iso != nil && e.iso.userNS,
		"node", e.node.path, "python", e.python.path, "runtimes", strings.Join(e.runtimes, ","))
	return e, nil
}

// cgroupVersion is the cgroup version the sandbox uses, 0 without it.
func (e *Engine) cgroupVersion() int {
	if e.iso == nil {
		return 0
	}
	return e.iso.host.CgroupVersion()
}

// Isolated says whether instances run in the sandbox.
func (e *Engine) Isolated() bool { return e.iso != nil }

// UserNamespaces says whether sandboxed instances run in a user namespace
// of their own, and if the host has none, why (jail.Host.UserNamespaces).
func (e *Engine) UserNamespaces() (bool, error) {
	if e.iso == nil {
		return false, nil
	}
	return e.iso.host.UserNamespaces()
}

// Runtimes lists the runtime names this node can run.
func (e *Engine) Runtimes() []string { return slices.Clone(e.runtimes) }

// Start boots an instance of spec and returns once it listens and its
// initializer, if any, has succeeded. Failures caused by the user's code or
// configuration are *sandbox.InitError; on any failure nothing is left behind.
func (e *Engine) Start(ctx context.Context, spec *sandbox.Spec) (sandbox.Instance, error) {
	if !slices.Contains(e.runtimes, spec.Runtime) {
		return nil, fmt.Errorf("start %q: runtime %q: %w (available: %s)",
			spec.Function, spec.Runtime, ErrRuntimeUnavailable, strings.Join(e.runtimes, ", "))
	}
	id, err := instanceID(spec.InstanceID)
	if err != nil {
		return nil, fmt.Errorf("start %q: %w", spec.Function, err)
	}
	if inst, ok, err := e.startPrewarmed(ctx, id, spec); ok {
		if err != nil {
			return nil, fmt.Errorf("start %q instance %s: %w", spec.Function, id, err)
		}
		e.log.Debug("instance ready (pre-warmed)", "function", spec.Function, "instance", id, "pid", inst.pid)
		return inst, nil
	}
	inst, err := e.launch(&launchPlan{spec: spec, id: id})
	if err != nil {
		return nil, fmt.Errorf("start %q instance %s: %w", spec.Function, id, err)
	}
	if err := inst.boot(ctx, e.cfg.StartTimeout); err != nil {
		inst.abort()
		return nil, fmt.Errorf("start %q instance %s: %w", spec.Function, id, err)
	}
	e.log.Debug("instance ready", "function", spec.Function, "instance", id, "pid", inst.pid)
	return inst, nil
}

// Close stops the pre-warmed sandboxes and the refilling of their pools,
// then removes the host's outbound-access rules. Instances that Start
// returned are their owners' to stop first. Idempotent.
func (e *Engine) Close(ctx context.Context) error {
	var errs []error
	if e.pool != nil {
		errs = append(errs, e.pool.close(ctx))
		if e.iso != nil {
			_, err := jail.UnmountUnder(e.instancesDir)
			errs = append(errs, err)
		}
	}
	if e.iso != nil && e.iso.internet != nil {
		errs = append(errs, e.iso.internet.close())
	}
	return errors.Join(errs...)
}

// PoolStats describes the pools of pre-warmed sandboxes; nil without them.
func (e *Engine) PoolStats() []PoolStats {
	if e.pool == nil {
		return nil
	}
	return e.pool.stats()
}

// cleanInstances removes what a previous run left in the instances
// directory, its mounts first (a removal must not reach into a function's
// code), then makes the directory afresh; with pre-warmed sandboxes, as a
// private mount (until Close), so that their slots stay out of the host's
// other mount namespaces.
func (e *Engine) cleanInstances() error {
	if e.iso != nil {
		n, err := jail.UnmountUnder(e.instancesDir)
		if err != nil {
			return err
		}
		if n > 0 {
			e.log.Warn("removed mounts of instances a previous run left", "count", n)
		}
	}
	if err := os.RemoveAll(e.instancesDir); err != nil {
		return fmt.Errorf("clean %q: %w", e.instancesDir, err)
	}
	if err := os.MkdirAll(e.instancesDir, 0o755); err != nil {
		return err
	}
	if e.iso != nil && e.cfg.Prewarm.enabled() {
		return jail.PrivateDir(e.instancesDir)
	}
	return nil
}

// instanceID returns id, or a new one when it is empty. An id names a
// directory, so it may hold only letters, digits, '-', '_' and '.'.
func instanceID(id string) (string, error) {
	if id == "" {
		return newID(), nil
	}
	valid := len(id) <= 128 && strings.Trim(id, ".") != ""
	for _, r := range id {
		valid = valid && (r == '-' || r == '_' || r == '.' || r < 128 && (r >= '0' && r <= '9' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'))
	}
	if !valid {
		return "", fmt.Errorf("invalid instance id %q", id)
	}
	return id, nil
}

// NodePath is the node binary instances use; "" without one.
func (e *Engine) NodePath() string { return e.node.path }

// PythonPath is the python3 interpreter instances use; "" without one.
func (e *Engine) PythonPath() string { return e.python.path }

// Memory is what an idle instance holds, for density figures.
type Memory struct {
	// Cgroup is the instance's cgroup memory use (its processes, their page
	// cache it faulted first, its /tmp); 0 without the sandbox.
	Cgroup int64
	// PSS is the proportional set size of its processes: private pages plus
	// a share of those mapped by several (the runtime's binary).
	PSS int64
}

// Memory measures what the instance holds now.
func (i *Instance) Memory() Memory {
	var m Memory
	pids := []int{i.pid}
	if i.jail != nil {
		m.Cgroup = i.jail.cgroup.Current()
		pids = i.jail.cgroup.PIDs()
	}
	for _, pid := range pids {
		m.PSS += pss(pid)
	}
	return m
}
