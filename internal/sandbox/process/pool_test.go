package process_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// newPooledEngine is newEngine with pre-warmed sandboxes of every kind.
func newPooledEngine(t *testing.T, isolation string) *process.Engine {
	t.Helper()
	e, err := process.New(process.Config{RunDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Isolation: isolation,
		Prewarm: process.Prewarm{Node: 1, Python: 1, Custom: 1, Max: 2}})
	if errors.Is(err, process.ErrIsolationUnavailable) {
		t.Skipf("no sandbox on this host: %v", err)
	}
	if err != nil {
		t.Fatalf("New = %v, want nil", err)
	}
	t.Cleanup(func() {
		if err := e.Close(context.Background()); err != nil {
			t.Errorf("Close = %v, want nil", err)
		}
	})
	return e
}

// poolOf returns the stats of kind's pool.
func poolOf(e *process.Engine, kind string) process.PoolStats {
	for _, s := range e.PoolStats() {
		if s.Kind == kind {
			return s
		}
	}
	return process.PoolStats{}
}

// awaitReady polls until kind's pool holds a sandbox.
func awaitReady(t *testing.T, e *process.Engine, kind string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for poolOf(e, kind).Ready == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the %s pool never got a sandbox: %+v", kind, e.PoolStats())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// layerFunctions writes two layers that both provide the module "greet"
// (the second's wins) and a Node.js and a Python function using it.
func layerFunctions(t *testing.T) (code string, layers []string) {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"code/index.js": "exports.handler = async () => JSON.stringify({greet: require('greet').word, only: require('first').word, cwd: process.cwd(), env: process.env.WHO, optWrite: optWrite()});\n" +
			"function optWrite() { if (!process.env.OPT_PROBE) return ''; try { require('fs').writeFileSync(process.env.OPT_PROBE, 'x'); return 'written'; } catch (e) { return e.code; } }\n",
		"code/index.py":                         "import os, greet, first\ndef handler(event, context):\n    return '{\"greet\": \"%s\", \"only\": \"%s\", \"cwd\": \"%s\", \"env\": \"%s\"}' % (greet.word, first.word, os.getcwd(), os.environ.get('WHO'))\n",
		"code/server.js":                        "require('http').createServer((q, r) => r.end(JSON.stringify({greet: 'custom', only: 'custom', cwd: process.cwd(), env: process.env.WHO}))).listen(Number(process.env.FC_CUSTOM_LISTEN_PORT), '0.0.0.0');\n",
		"l1/nodejs/node_modules/greet/index.js": "exports.word = 'one';\n",
		"l1/nodejs/node_modules/first/index.js": "exports.word = 'first';\n",
		"l1/python/greet.py":                    "word = 'one'\n",
		"l1/python/first.py":                    "word = 'first'\n",
		"l2/nodejs/node_modules/greet/index.js": "exports.word = 'two';\n",
		"l2/python/greet.py":                    "word = 'two'\n",
	}
	for name, data := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Sandboxed instances run as other users: everything must be readable.
	for _, dir := range []string{root, filepath.Dir(root)} {
		os.Chmod(dir, 0o755)
	}
	return filepath.Join(root, "code"), []string{filepath.Join(root, "l1"), filepath.Join(root, "l2")}
}

type layerAnswer struct{ Greet, Only, Cwd, Env, OptWrite string }

// runLayered starts a function of runtime with both layers and checks what
// it found.
func runLayered(t *testing.T, e *process.Engine, runtime, code string, layers []string, want layerAnswer) {
	t.Helper()
	spec := &sandbox.Spec{Function: "layered", Runtime: runtime, Handler: "index.handler", CodeDir: code,
		Layers: layers, MemoryMB: 128, Timeout: 10 * time.Second, Env: map[string]string{"WHO": "me"}}
	if e.Isolated() && strings.HasPrefix(runtime, "nodejs") { // the layers are read-only
		spec.Env["OPT_PROBE"] = "/opt/nodejs/node_modules/greet/index.js"
		want.OptWrite = "EROFS"
	}
	if strings.HasPrefix(runtime, "custom") {
		spec.Command = []string{e.NodePath(), "/code/server.js"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inst, err := e.Start(ctx, spec)
	if err != nil {
		t.Fatalf("Start %s = %v", runtime, err)
	}
	defer inst.Stop(context.Background())
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "r1", Body: []byte("{}")})
	if err != nil || res.ErrorType != "" {
		t.Fatalf("Invoke %s = %v, %s: %s", runtime, err, res.ErrorType, res.Body)
	}
	body := res.Body
	if len(body) > 0 && body[0] == '"' { // Node.js returns the string JSON-encoded
		var s string
		json.Unmarshal(body, &s)
		body = []byte(s)
	}
	var got layerAnswer
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%s answered %q: %v", runtime, res.Body, err)
	}
	if got != want {
		t.Errorf("%s found %+v, want %+v", runtime, got, want)
	}
}

// TestLayers checks that Node.js and Python handlers find their layers'
// libraries, a later layer's over an earlier one's, with and without the
// sandbox and in fresh and pre-warmed instances.
func TestLayers(t *testing.T) {
	code, layers := layerFunctions(t)
	for _, isolation := range []string{process.IsolationSandbox, process.IsolationNone} {
		for _, pooled := range []bool{false, true} {
			name := isolation + map[bool]string{false: "/fresh", true: "/prewarmed"}[pooled]
			t.Run(name, func(t *testing.T) {
				e := newEngine(t, isolation)
				if pooled {
					e = newPooledEngine(t, isolation)
				}
				wantCwd := code
				if isolation == process.IsolationSandbox {
					wantCwd = "/code"
				}
				for _, rt := range []struct{ kind, prefix string }{{"nodejs", "nodejs"}, {"python", "python3"}} {
					runtime := pick(e.Runtimes(), rt.prefix)
					if runtime == "" {
						continue
					}
					before := poolOf(e, rt.kind).Hits
					if pooled {
						awaitReady(t, e, rt.kind)
					}
					runLayered(t, e, runtime, code, layers, layerAnswer{Greet: "two", Only: "first", Cwd: wantCwd, Env: "me"})
					if hits := poolOf(e, rt.kind).Hits; pooled && hits != before+1 {
						t.Errorf("%s pool hits = %d, want %d", rt.kind, hits, before+1)
					}
				}
			})
		}
	}
}

// TestPrewarmedCustom checks that a custom runtime's command runs in a
// pre-made jail with its code at /code and its environment.
func TestPrewarmedCustom(t *testing.T) {
	e := newPooledEngine(t, process.IsolationSandbox)
	if e.NodePath() == "" {
		t.Skip("no node on this host")
	}
	code, layers := layerFunctions(t)
	awaitReady(t, e, "custom")
	runLayered(t, e, "custom.debian12", code, layers, layerAnswer{Greet: "custom", Only: "custom", Cwd: "/code", Env: "me"})
	if s := poolOf(e, "custom"); s.Hits != 1 {
		t.Errorf("custom pool = %+v, want 1 hit", s)
	}
}

// TestPoolRefillsAndCloses checks that a claimed sandbox is replaced and
// that Close stops the pool's sandboxes and leaves no mount behind.
func TestPoolRefillsAndCloses(t *testing.T) {
	dir := t.TempDir()
	e, err := process.New(process.Config{RunDir: dir, Logger: slog.New(slog.DiscardHandler),
		Prewarm: process.Prewarm{Python: 1, Max: 1}})
	if errors.Is(err, process.ErrIsolationUnavailable) {
		t.Skipf("no sandbox on this host: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	rt := pick(e.Runtimes(), "python3")
	if rt == "" {
		t.Skip("no python")
	}
	code, layers := layerFunctions(t)
	awaitReady(t, e, "python")
	runLayered(t, e, rt, code, layers, layerAnswer{Greet: "two", Only: "first", Cwd: "/code", Env: "me"})
	awaitReady(t, e, "python") // refilled
	if err := e.Close(context.Background()); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if s := poolOf(e, "python"); s.Ready != 0 {
		t.Errorf("after Close the pool holds %d sandboxes, want 0", s.Ready)
	}
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	instances := filepath.Join(dir, "instances") + "/"
	for _, line := range strings.Split(string(mounts), "\n") {
		if strings.Contains(line, instances) {
			t.Errorf("a mount survives Close: %s", line)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "instances"))
	if len(entries) != 0 {
		t.Errorf("after Close the instances dir holds %d entries, want 0", len(entries))
	}
}

// pick returns the first runtime with prefix.
func pick(runtimes []string, prefix string) string {
	for _, r := range runtimes {
		if strings.HasPrefix(r, prefix) {
			return r
		}
	}
	return ""
}

// TestLeftoverPoolCleaned checks that a new engine over the same RunDir
// removes what the pre-warmed sandboxes of a previous run left: their
// processes (by their cgroups), mounts and directories.
func TestLeftoverPoolCleaned(t *testing.T) {
	dir := t.TempDir()
	cfg := process.Config{RunDir: dir, Logger: slog.New(slog.DiscardHandler), Prewarm: process.Prewarm{Python: 1, Max: 1}}
	old, err := process.New(cfg)
	if errors.Is(err, process.ErrIsolationUnavailable) {
		t.Skipf("no sandbox on this host: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if pick(old.Runtimes(), "python3") == "" {
		old.Close(context.Background())
		t.Skip("no python")
	}
	awaitReady(t, old, "python")
	instances := filepath.Join(dir, "instances")
	leftovers, _ := os.ReadDir(instances)
	// A crash: the old engine is not closed. Its filler is stopped by
	// closing it only after the new engine cleaned up.
	cfg.Prewarm = process.Prewarm{}
	fresh, err := process.New(cfg)
	if err != nil {
		t.Fatalf("New over a dirty RunDir = %v", err)
	}
	defer old.Close(context.Background())
	defer fresh.Close(context.Background())
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mounts), "\n") {
		if strings.Contains(line, instances+"/") || strings.Contains(line, " "+instances+" ") {
			t.Errorf("a mount of the previous run survives: %s", line)
		}
	}
	for _, e := range leftovers {
		if _, err := os.Stat(filepath.Join(instances, e.Name())); !os.IsNotExist(err) {
			t.Errorf("the previous run's %s survives (stat: %v)", e.Name(), err)
		}
	}
}
