package coldstart

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/wasm"
)

// wasmRuntime is Yun's WebAssembly runtime name.
const wasmRuntime = wasm.Runtime

// runtimeCase is one hello function and what runs it.
type runtimeCase struct {
	label   string // "Node.js"
	runtime string // "nodejs20"
	pool    string // the process engine's pool kind; "" for WebAssembly
	code    string
	handler string
	command []string // custom runtimes
}

// functions writes the hello functions into dir and returns the cases the
// engines can run. The WebAssembly module is built from Go.
func functions(ctx context.Context, repo, dir string, proc *process.Engine) ([]runtimeCase, error) {
	// Sandboxed instances run as other users: the code must be readable by
	// all, which the repository may not be.
	src := filepath.Join(dir, "functions")
	if err := os.CopyFS(src, os.DirFS(filepath.Join(repo, "bench", "internal", "coldstart", "functions"))); err != nil {
		return nil, err
	}
	for _, d := range []string{dir, src} {
		if err := os.Chmod(d, 0o755); err != nil {
			return nil, err
		}
	}
	var cases []runtimeCase
	pick := func(prefix string) string {
		for _, r := range proc.Runtimes() {
			if strings.HasPrefix(r, prefix) {
				return r
			}
		}
		return ""
	}
	if rt := pick("nodejs"); rt != "" {
		cases = append(cases, runtimeCase{label: "Node.js", runtime: rt, pool: "nodejs", code: filepath.Join(src, "node"), handler: "index.handler"})
		cases = append(cases, runtimeCase{label: "custom (Node.js server)", runtime: "custom.debian12", pool: "custom",
			code: filepath.Join(src, "custom"), command: []string{proc.NodePath(), "/code/server.js"}})
	}
	if rt := pythonRuntime(proc); rt != "" {
		cases = append(cases, runtimeCase{label: "Python", runtime: rt, pool: "python", code: filepath.Join(src, "python"), handler: "index.handler"})
	}
	wasmDir := filepath.Join(dir, "wasm")
	if err := os.MkdirAll(wasmDir, 0o755); err != nil {
		return nil, err
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(wasmDir, "main.wasm"), "./bench/internal/coldstart/functions/wasm")
	build.Dir, build.Env = repo, append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the wasm function: %w\n%s", err, out)
	}
	cases = append(cases, runtimeCase{label: "WebAssembly", runtime: wasmRuntime, code: wasmDir, handler: "main.wasm"})
	return cases, nil
}

// pythonRuntime is the most precise python3.X name the engine offers (the
// interpreter it maps to is /usr/bin/python3 when there is one).
func pythonRuntime(proc *process.Engine) string {
	best := ""
	for _, r := range proc.Runtimes() {
		if strings.HasPrefix(r, "python3.") && len(r) >= len(best) {
			best = r
		}
	}
	return best
}

// spec is a fresh instance of c's function.
func (c *runtimeCase) spec(memoryMB int) *sandbox.Spec {
	return &sandbox.Spec{
		AccountID: "1234567890", Region: "cn-bench", Function: "hello-" + c.runtime, Qualifier: "LATEST",
		Runtime: c.runtime, Handler: c.handler, CodeDir: c.code, MemoryMB: memoryMB, DiskMB: 512,
		Timeout: 10 * time.Second, Command: c.command, Port: 9000,
	}
}
