package wasm

import (
	"fmt"
	"log/slog"
	"path/filepath"
)

// Defaults of Config.
const (
	DefaultMaxIdleModules = 64
	DefaultMemoryPool     = 256 << 20
)

// Config configures an Engine. Only RunDir is required.
type Config struct {
	// RunDir holds one scratch directory per instance (its /tmp). It belongs
	// to one Engine: New removes what a previous run left there.
	RunDir string
	// CacheDir keeps the machine code of compiled modules (wazero's
	// compilation cache), so that modules compiled once are not compiled
	// again after a restart. Default: none, compiled code lives in memory
	// only.
	CacheDir string
	// Logger receives the engine's own events. Default: discard.
	Logger *slog.Logger
	// MaxIdleModules bounds the compiled modules kept in memory while no
	// instance uses them; the least recently used go first. Default:
	// DefaultMaxIdleModules.
	MaxIdleModules int
	// MemoryPool bounds the bytes of zeroed linear memory kept for reuse
	// between invocations. Default: DefaultMemoryPool.
	MemoryPool int64
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.RunDir == "" {
		return fmt.Errorf("wasm config: RunDir is required")
	}
	if c.MaxIdleModules < 0 {
		return fmt.Errorf("wasm config: MaxIdleModules %d is negative", c.MaxIdleModules)
	}
	if c.MemoryPool < 0 {
		return fmt.Errorf("wasm config: MemoryPool %d is negative", c.MemoryPool)
	}
	return nil
}

// withDefaults returns c with the documented defaults filled in.
func (c Config) withDefaults() (Config, error) {
	dir, err := filepath.Abs(c.RunDir)
	if err != nil {
		return c, fmt.Errorf("wasm config: RunDir %q: %w", c.RunDir, err)
	}
	c.RunDir = dir
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxIdleModules == 0 {
		c.MaxIdleModules = DefaultMaxIdleModules
	}
	if c.MemoryPool == 0 {
		c.MemoryPool = DefaultMemoryPool
	}
	return c, nil
}
