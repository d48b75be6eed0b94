package daemon

import (
	"path/filepath"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/wasm"
)

// engines builds the execution engines — processes for Node.js, Python and
// custom runtimes, wazero for WebAssembly — behind one router.
func (d *Daemon) engines() (sandbox.Router, error) {
	proc, err := process.New(process.Config{RunDir: filepath.Join(d.cfg.DataDir, "run"), Logger: d.cfg.Logger})
	if err != nil {
		return nil, err
	}
	d.wasm, err = wasm.New(wasm.Config{RunDir: filepath.Join(d.cfg.DataDir, "run-wasm"),
		CacheDir: filepath.Join(d.cfg.DataDir, "cache", "wasm"), Logger: d.cfg.Logger})
	if err != nil {
		return nil, err
	}
	return sandbox.Router{proc, d.wasm}, nil
}
