package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/process/egress"
	"github.com/yun-fc/yun/internal/sandbox/wasm"
)

// newProcessEngine is process.New; tests replace it to act out a host
// that cannot isolate.
var newProcessEngine = process.New

// engines builds the execution engines — sandboxed processes for Node.js,
// Python and custom runtimes, wazero for WebAssembly — behind one router.
// Where this host cannot isolate processes (not root, no namespaces), the
// process runtimes are left out unless the operator chose UnsafeNoIsolation;
// WebAssembly works everywhere.
func (d *Daemon) engines() (sandbox.Router, error) {
	var err error
	d.wasm, err = wasm.New(wasm.Config{RunDir: filepath.Join(d.cfg.DataDir, "run-wasm"),
		CacheDir: filepath.Join(d.cfg.DataDir, "cache", "wasm"), Logger: d.cfg.Logger})
	if err != nil {
		return nil, err
	}
	isolation := process.IsolationSandbox
	if d.cfg.UnsafeNoIsolation {
		isolation = process.IsolationNone
		d.isolation = "NONE: instances run as plain child processes (--unsafe-no-isolation); run only code you trust"
	}
	proc, err := newProcessEngine(process.Config{RunDir: filepath.Join(d.cfg.DataDir, "run"), Logger: d.cfg.Logger,
		Isolation: isolation, Prewarm: d.cfg.Prewarm, Poller: d.poller,
		Internet: egress.Config{Deny: append(slices.Clone(egress.DefaultDeny), d.cfg.InstanceDeny...)}})
	switch {
	case errors.Is(err, process.ErrIsolationUnavailable):
		d.isolation = fmt.Sprintf("process runtimes DISABLED: %v; only WebAssembly runs. Pass --unsafe-no-isolation to run Node.js, Python and custom runtimes without isolation", err)
		d.cfg.Logger.Warn("process runtimes disabled: this host cannot isolate instances", "err", err)
		return sandbox.Router{d.wasm}, nil
	case err != nil:
		d.wasm.Close(context.Background())
		return nil, err
	}
	if d.isolation == "" {
		d.isolation = "sandboxed: namespaces, seccomp, cgroups, read-only root"
		if userns, why := proc.UserNamespaces(); userns {
			d.isolation += ", a user namespace per instance"
		} else if why != nil {
			d.isolation += fmt.Sprintf(" (no user namespaces: %v)", why)
		}
	}
	d.proc = proc
	return sandbox.Router{proc, d.wasm}, nil
}

// Isolation says how this node isolates function instances.
func (d *Daemon) Isolation() string { return d.isolation }
