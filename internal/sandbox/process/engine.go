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

	"github.com/yun-fc/yun/internal/sandbox"
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
	iso          *isolation // nil with IsolationNone
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
	e := &Engine{cfg: cfg, log: cfg.Logger, instancesDir: filepath.Join(cfg.RunDir, "instances")}
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
	if err := os.RemoveAll(e.instancesDir); err != nil {
		return nil, fmt.Errorf("process engine: clean %q: %w", e.instancesDir, err)
	}
	if err := os.MkdirAll(e.instancesDir, 0o755); err != nil {
		return nil, fmt.Errorf("process engine: %w", err)
	}
	if e.bootstrap, err = writeBootstraps(filepath.Join(cfg.RunDir, "bootstrap")); err != nil {
		return nil, fmt.Errorf("process engine: %w", err)
	}
	e.log.Info("process engine ready", "runDir", cfg.RunDir, "isolation", cfg.Isolation, "cgroup", e.cgroupVersion(),
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
	inst, err := e.launch(id, spec)
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
