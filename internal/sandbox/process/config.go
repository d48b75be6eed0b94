package process

import (
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"time"

	"github.com/yun-fc/yun/internal/busypoll"
	"github.com/yun-fc/yun/internal/sandbox/process/egress"
)

// DefaultStartTimeout bounds how long a runtime may take to listen on its port.
const DefaultStartTimeout = 30 * time.Second

// Isolation modes (Config.Isolation).
const (
	// IsolationSandbox runs every instance in a jail: its own namespaces,
	// an unprivileged user, seccomp, a read-only root and a cgroup.
	IsolationSandbox = "sandbox"
	// IsolationNone runs instances as plain child processes of Yun that can
	// read, write and reach whatever Yun can. Only for trusted code.
	IsolationNone = "none"
)

// Defaults of the sandbox.
const (
	// DefaultFirstUID is the first uid (and gid) given to sandboxed
	// instances, far above login users and the usual subordinate-id ranges.
	DefaultFirstUID = 1_000_000_000
	// DefaultMaxProcesses bounds the processes and threads of an instance.
	DefaultMaxProcesses = 512
)

// maxUIDs is how many instances may run at once in the sandbox: each has
// its own uid, so that per-user kernel limits (inotify instances, message
// queues, keys) are per instance.
const maxUIDs = 1 << 16

// Config configures an Engine. Only RunDir is required.
type Config struct {
	// RunDir holds the bootstraps and one scratch directory per instance. It
	// belongs to one Engine: New removes what a previous run left there.
	RunDir string
	// NodePath is the absolute path of the node binary. Default: "node" on
	// PATH with symlinks resolved; if there is none, no nodejs runtime is
	// offered.
	NodePath string
	// PythonPath is the absolute path of a CPython 3 interpreter. Default:
	// /usr/bin/python3, else python3 on PATH outside pyenv shims (a shim is
	// a shell script that consults the caller's environment; instances run
	// with a clean one). If there is none, no python runtime is offered.
	PythonPath string
	// Logger receives the engine's own events. Default: discard.
	Logger *slog.Logger
	// StartTimeout bounds how long a runtime may take to start listening.
	// Default: DefaultStartTimeout.
	StartTimeout time.Duration
	// Isolation is IsolationSandbox (also the meaning of "") or
	// IsolationNone. With the sandbox, New fails with an error wrapping
	// ErrIsolationUnavailable where this host cannot confine instances (not
	// root, no namespaces or cgroup controllers, not Linux).
	Isolation string
	// FirstUID is the first of the maxUIDs uids and gids the sandbox gives
	// its instances, one per running instance. Default: DefaultFirstUID.
	FirstUID int
	// MaxProcesses bounds the processes and threads of one sandboxed
	// instance (the pids cgroup). Default: DefaultMaxProcesses.
	MaxProcesses int
	// Internet configures the outbound access of sandboxed instances with
	// internetAccess (package egress; Owner and Logger are the engine's).
	Internet egress.Config
	// Prewarm configures the pools of pre-warmed sandboxes. The zero value
	// keeps none: every Start boots from scratch.
	Prewarm Prewarm
	// Poller lets an exchange with an instance, alone on a quiet node, poll
	// for the answer before it parks (package busypoll); the node's other
	// waits share it. Nil: never poll.
	Poller *busypoll.Poller
}

// Prewarm configures the pools of pre-warmed sandboxes (pool.go): per kind
// of runtime (Node.js, Python, custom), sandboxes already made, their
// language runtime booted, waiting for a function. A pool is refilled in
// the background to max(its minimum, the cold starts of its kind in the
// last DemandWindow), at most Max, while the pools' memory stays within
// MemoryMB.
type Prewarm struct {
	// Node, Python and Custom are the least number of sandboxes kept ready
	// for each kind; 0 keeps none unless demand asks (and Max allows).
	// Custom sandboxes are pre-made only with the sandbox: the jail is
	// built and waits for the user's command.
	Node, Python, Custom int
	// Max bounds each pool, demand included. Default: the largest minimum,
	// at least DefaultPrewarmMax when any minimum is set.
	Max int
	// MemoryMB bounds the memory all pools hold, measured per sandbox once
	// booted. Default: DefaultPrewarmMemoryMB.
	MemoryMB int
	// DemandWindow is how far back cold starts count as demand. Default:
	// DefaultPrewarmWindow.
	DemandWindow time.Duration
}

// Defaults of Prewarm.
const (
	DefaultPrewarmMax      = 4
	DefaultPrewarmMemoryMB = 512
	DefaultPrewarmWindow   = 30 * time.Second
)

// enabled says whether any pool may hold a sandbox.
func (p Prewarm) enabled() bool { return p.Node > 0 || p.Python > 0 || p.Custom > 0 || p.Max > 0 }

// validate reports the first invalid field.
func (p Prewarm) validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"Node", p.Node}, {"Python", p.Python}, {"Custom", p.Custom}, {"Max", p.Max}, {"MemoryMB", p.MemoryMB}} {
		if f.v < 0 {
			return fmt.Errorf("process config: Prewarm.%s %d is negative", f.name, f.v)
		}
	}
	if p.DemandWindow < 0 {
		return fmt.Errorf("process config: Prewarm.DemandWindow %v is negative", p.DemandWindow)
	}
	return nil
}

// withDefaults returns p with the documented defaults filled in.
func (p Prewarm) withDefaults() Prewarm {
	if !p.enabled() {
		return p
	}
	if p.Max == 0 {
		p.Max = max(p.Node, p.Python, p.Custom, DefaultPrewarmMax)
	}
	if p.MemoryMB == 0 {
		p.MemoryMB = DefaultPrewarmMemoryMB
	}
	if p.DemandWindow == 0 {
		p.DemandWindow = DefaultPrewarmWindow
	}
	return p
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.RunDir == "" {
		return fmt.Errorf("process config: RunDir is required")
	}
	if c.NodePath != "" && !filepath.IsAbs(c.NodePath) {
		return fmt.Errorf("process config: NodePath %q is not an absolute path", c.NodePath)
	}
	if c.PythonPath != "" && !filepath.IsAbs(c.PythonPath) {
		return fmt.Errorf("process config: PythonPath %q is not an absolute path", c.PythonPath)
	}
	if c.StartTimeout < 0 {
		return fmt.Errorf("process config: StartTimeout %v is negative", c.StartTimeout)
	}
	if c.Isolation != "" && c.Isolation != IsolationSandbox && c.Isolation != IsolationNone {
		return fmt.Errorf("process config: Isolation %q is neither %q nor %q", c.Isolation, IsolationSandbox, IsolationNone)
	}
	if c.FirstUID < 0 || c.FirstUID > math.MaxInt32-maxUIDs {
		return fmt.Errorf("process config: FirstUID %d is out of range [1, %d]", c.FirstUID, math.MaxInt32-maxUIDs)
	}
	if c.MaxProcesses < 0 {
		return fmt.Errorf("process config: MaxProcesses %d is negative", c.MaxProcesses)
	}
	return c.Prewarm.validate()
}

// withDefaults returns c with the documented defaults filled in.
func (c Config) withDefaults() (Config, error) {
	dir, err := filepath.Abs(c.RunDir)
	if err != nil {
		return c, fmt.Errorf("process config: RunDir %q: %w", c.RunDir, err)
	}
	c.RunDir = dir
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.Isolation == "" {
		c.Isolation = IsolationSandbox
	}
	if c.FirstUID == 0 {
		c.FirstUID = DefaultFirstUID
	}
	if c.MaxProcesses == 0 {
		c.MaxProcesses = DefaultMaxProcesses
	}
	c.Prewarm = c.Prewarm.withDefaults()
	return c, nil
}
