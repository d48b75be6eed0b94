package process

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"time"
)

// DefaultStartTimeout bounds how long a runtime may take to listen on its port.
const DefaultStartTimeout = 30 * time.Second

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
	return nil
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
	return c, nil
}
