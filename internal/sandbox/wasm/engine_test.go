package wasm

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // "" for valid
	}{
		{"minimal", Config{RunDir: "/x"}, ""},
		{"no run dir", Config{}, "RunDir"},
		{"negative idle modules", Config{RunDir: "/x", MaxIdleModules: -1}, "MaxIdleModules -1"},
		{"negative pool", Config{RunDir: "/x", MemoryPool: -5}, "MemoryPool -5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

func TestRuntimes(t *testing.T) {
	eng := sharedEngine(t)
	if got, want := eng.Runtimes(), []string{"wasm.wasip1"}; !slices.Equal(got, want) {
		t.Errorf("Runtimes() = %v, want %v", got, want)
	}
}

// TestStartRefuses checks the failures that are not the user's code: plain
// errors, not *InitError.
func TestStartRefuses(t *testing.T) {
	eng := sharedEngine(t)
	dir := writeModule(t, commandModule(trapBody))
	tests := []struct {
		name   string
		change func(*sandbox.Spec)
		want   error
		text   string
	}{
		{"other runtime", func(s *sandbox.Spec) { s.Runtime = "nodejs20" }, ErrRuntimeUnavailable, "wasm.wasip1"},
		{"bad instance id", func(s *sandbox.Spec) { s.InstanceID = "../x" }, nil, "invalid instance id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := testSpec(dir)
			tt.change(spec)
			inst, err := eng.Start(context.Background(), spec)
			if err == nil {
				stop(t, inst)
				t.Fatalf("Start succeeded, want an error")
			}
			var ie *sandbox.InitError
			if errors.As(err, &ie) || (tt.want != nil && !errors.Is(err, tt.want)) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Start = %v (%T), want a plain error containing %q (is %v)", err, err, tt.text, tt.want)
			}
		})
	}
}

// TestStartInitErrors checks that problems of the user's code or
// configuration fail Start with an *InitError carrying FC's error body.
func TestStartInitErrors(t *testing.T) {
	eng := sharedEngine(t)
	tests := []struct {
		name   string
		module []byte // main.wasm; nil for none
		change func(*sandbox.Spec)
		want   string // in the error message
	}{
		{"missing module", nil, nil, "no such file"},
		{"handler outside the code", commandModule(trapBody), func(s *sandbox.Spec) { s.Handler = "../main.wasm" }, "inside the code package"},
		{"absolute handler", commandModule(trapBody), func(s *sandbox.Spec) { s.Handler = "/main.wasm" }, "inside the code package"},
		{"directory handler", commandModule(trapBody), func(s *sandbox.Spec) { s.Handler = "." }, "not a regular file"},
		{"not wasm", []byte("#!/bin/sh\necho hi\n"), nil, "not a WebAssembly module"},
		{"invalid module", []byte("\x00asm\x01\x00\x00\x00\x01\x05"), nil, "invalid WebAssembly module"},
		{"no _start", moduleSpec{memoryPages: 1, noStart: true, body: trapBody}.bytes(), nil, "exports no _start"},
		{"unknown import", moduleSpec{memoryPages: 1, imports: []wasmImport{{"env", "f"}}, body: trapBody}.bytes(), nil, "imports env.f"},
		{"unknown WASI function", moduleSpec{memoryPages: 1, imports: []wasmImport{{"wasi_snapshot_preview1", "nope"}}, body: trapBody}.bytes(), nil, "wasi_snapshot_preview1.nope"},
		{"no memory", moduleSpec{noMemory: true, body: trapBody}.bytes(), nil, `no memory named "memory"`},
		{"hidden memory", moduleSpec{memoryPages: 1, hideMemory: true, body: trapBody}.bytes(), nil, `no memory named "memory"`},
		{"memory too large", moduleSpec{memoryPages: 3000, body: trapBody}.bytes(), nil, "needs 188 MB of memory to start, more than the function's memorySize of 128 MB"},
		{"initializer", commandModule(trapBody), func(s *sandbox.Spec) { s.Initializer = &sandbox.Hook{Handler: "init"} }, "lifecycle hooks"},
		{"preStop", commandModule(trapBody), func(s *sandbox.Spec) { s.PreStop = &sandbox.Hook{Handler: "stop"} }, "lifecycle hooks"},
		{"bad environment", commandModule(trapBody), func(s *sandbox.Spec) { s.Env = map[string]string{"A=B": "x"} }, `environment variable "A=B"`},
		{"no code dir", commandModule(trapBody), func(s *sandbox.Spec) { s.CodeDir = "" }, "no code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.module != nil {
				dir = writeModule(t, tt.module)
			}
			spec := testSpec(dir)
			if tt.change != nil {
				tt.change(spec)
			}
			wantInitError(t, eng, spec, tt.want)
		})
	}
}

func wantInitError(t *testing.T, eng *Engine, spec *sandbox.Spec, want string) {
	t.Helper()
	inst, err := eng.Start(context.Background(), spec)
	if err == nil {
		stop(t, inst)
		t.Fatalf("Start succeeded, want an *InitError containing %q", want)
	}
	var ie *sandbox.InitError
	if !errors.As(err, &ie) {
		t.Fatalf("Start = %v (%T), want an *InitError", err, err)
	}
	var body errorJSON
	if err := json.Unmarshal(ie.Body, &body); err != nil {
		t.Fatalf("InitError.Body %q is not JSON: %v", ie.Body, err)
	}
	if body.ErrorType != sandbox.ErrorInitialization || !strings.Contains(body.ErrorMessage, want) {
		t.Errorf("InitError.Body = %s, want errorType %q and a message containing %q",
			ie.Body, sandbox.ErrorInitialization, want)
	}
	if strings.Contains(body.ErrorMessage, spec.CodeDir) && spec.CodeDir != "" {
		t.Errorf("InitError.Body = %s names the host path %q", ie.Body, spec.CodeDir)
	}
}

// TestCompileOnce checks that instances of one module file share one
// compilation, whatever their memory size, and that an idle module stays.
func TestCompileOnce(t *testing.T) {
	eng := newEngine(t, Config{})
	dir := writeModule(t, commandModule(trapBody))
	big := testSpec(dir)
	big.MemoryMB = 512
	a, b := start(t, eng, testSpec(dir)), start(t, eng, big)
	wantTrap(t, a)
	wantTrap(t, b)
	stop(t, a)
	stop(t, b)
	wantTrap(t, start(t, eng, testSpec(dir)))
	if got := eng.modules.compiles.Load(); got != 1 {
		t.Errorf("compilations after three Starts of one module = %d, want 1", got)
	}
}

// wantTrap fails unless inst runs and traps, as commandModule(trapBody) does.
func wantTrap(t *testing.T, inst *Instance) {
	t.Helper()
	res, _ := invoke(t, inst, "")
	wantFailure(t, res, errorTypeTrap, "unreachable")
}

// TestCompileConcurrentStarts checks that Starts racing for one module
// wait for a single compilation.
func TestCompileConcurrentStarts(t *testing.T) {
	eng := newEngine(t, Config{})
	dir := writeModule(t, commandModule(trapBody))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { start(t, eng, testSpec(dir)) })
	}
	wg.Wait()
	if got := eng.modules.compiles.Load(); got != 1 {
		t.Errorf("compilations after 8 concurrent Starts = %d, want 1", got)
	}
}

// TestCompileEviction checks the bound on idle modules: the least recently
// released goes, a module in use never does, and failures are not kept.
func TestCompileEviction(t *testing.T) {
	eng := newEngine(t, Config{MaxIdleModules: 1})
	a := writeModule(t, commandModule(trapBody))
	b := writeModule(t, commandModule(loopBody))
	startStop := func(dir string) { stop(t, start(t, eng, testSpec(dir))) }
	steps := []struct {
		name string
		run  func()
		want int64 // compilations so far
	}{
		{"start a", func() { startStop(a) }, 1},
		{"start a again: idle, kept", func() { startStop(a) }, 1},
		{"start b: evicts a", func() { startStop(b) }, 2},
		{"start a: compiled again", func() { startStop(a) }, 3},
		{"hold a, cycle b twice: a stays", func() {
			held := start(t, eng, testSpec(a))
			startStop(b)
			startStop(b)
			startStop(a)
			stop(t, held)
		}, 4},
		{"a broken file is compiled on every Start", func() {
			bad := writeModule(t, []byte("\x00asm\x01\x00\x00\x00\x01\x05"))
			for range 2 {
				if inst, err := eng.Start(context.Background(), testSpec(bad)); err == nil {
					stop(t, inst)
				}
			}
		}, 6},
	}
	for _, s := range steps {
		s.run()
		if got := eng.modules.compiles.Load(); got != s.want {
			t.Fatalf("after %q: compilations = %d, want %d", s.name, got, s.want)
		}
	}
}

// TestCompileCacheDir checks that compiled code lands in Config.CacheDir.
func TestCompileCacheDir(t *testing.T) {
	cache := t.TempDir()
	eng := newEngine(t, Config{CacheDir: cache})
	start(t, eng, testSpec(writeModule(t, commandModule(trapBody))))
	var files int
	filepath.WalkDir(cache, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && d.Type().IsRegular() {
			files++
		}
		return nil
	})
	if files == 0 {
		t.Errorf("files in the cache dir after a Start = 0, want the compiled code")
	}
}

func TestEngineClose(t *testing.T) {
	eng, err := New(Config{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dir := writeModule(t, commandModule(trapBody))
	stop(t, start(t, eng, testSpec(dir)))
	for i := range 2 {
		if err := eng.Close(context.Background()); err != nil {
			t.Fatalf("Close #%d = %v, want nil", i+1, err)
		}
	}
	if inst, err := eng.Start(context.Background(), testSpec(dir)); !errors.Is(err, ErrClosed) {
		if err == nil {
			stop(t, inst)
		}
		t.Errorf("Start after Close = %v, want ErrClosed", err)
	}
}

// TestNewCleansRunDir checks that New removes instance directories a
// previous run left behind.
func TestNewCleansRunDir(t *testing.T) {
	run := t.TempDir()
	left := filepath.Join(run, "instances", "old", "tmp")
	if err := os.MkdirAll(left, 0o755); err != nil {
		t.Fatal(err)
	}
	newEngine(t, Config{RunDir: run})
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("Stat(left-over dir) = %v, want not exist", err)
	}
}
