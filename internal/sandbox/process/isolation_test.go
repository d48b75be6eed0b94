package process_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// writeCode writes index.js into a new code dir.
func writeCode(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.js"), []byte(src), 0o444); err != nil {
		t.Fatal(err)
	}
	return dir
}

func startSpec(t *testing.T, e *process.Engine, spec *sandbox.Spec) sandbox.Instance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inst, err := e.Start(ctx, spec)
	if err != nil {
		t.Fatalf("Start = %v", err)
	}
	t.Cleanup(func() { inst.Stop(context.Background()) })
	return inst
}

// TestMemoryLimit: an instance that outgrows memorySize is killed by the
// kernel and its invocation says so.
func TestMemoryLimit(t *testing.T) {
	e := newEngine(t, process.IsolationSandbox)
	code := writeCode(t, "const hoard = [];\nexports.handler = async (event) => {\n"+
		"  if (String(event) !== 'bomb') return 'alive';\n  for (;;) hoard.push(Buffer.alloc(16 << 20, 1));\n};\n")
	inst := startSpec(t, e, &sandbox.Spec{Runtime: "nodejs20", Handler: "index.handler", CodeDir: code, MemoryMB: 128,
		Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "small", Body: []byte("x")})
	if err != nil || string(res.Body) != "alive" || res.MaxMemory <= 0 || res.MaxMemory > 128<<20 {
		t.Fatalf("small call = %+v, %v; want alive with a max memory within the limit", res, err)
	}
	res, err = inst.Invoke(ctx, &sandbox.Invocation{RequestID: "bomb", Body: []byte("bomb")})
	if err != nil {
		t.Fatalf("Invoke = %v", err)
	}
	var body struct{ ErrorMessage, ErrorType string }
	json.Unmarshal(res.Body, &body)
	if !res.Broken || res.ErrorType != sandbox.ErrorUnhandled || body.ErrorType != process.ErrorTypeMemoryLimit {
		t.Errorf("got Broken %v ErrorType %q body %s, want a broken %s with errorType %s",
			res.Broken, res.ErrorType, res.Body, sandbox.ErrorUnhandled, process.ErrorTypeMemoryLimit)
	}
	if res.MaxMemory < 100<<20 {
		t.Errorf("MaxMemory = %d, want the peak near the 128 MB limit", res.MaxMemory)
	}
}

// TestLeftoversKilled: a new engine over the same RunDir ends what a
// previous one (as after a crash of Yun) left running.
func TestLeftoversKilled(t *testing.T) {
	runDir := t.TempDir()
	first, err := process.New(process.Config{RunDir: runDir})
	if err != nil {
		t.Skipf("no sandbox: %v", err)
	}
	code := writeCode(t, "exports.handler = async () => 'ok';\n")
	inst := startSpec(t, first, &sandbox.Spec{Runtime: "nodejs20", Handler: "index.handler", CodeDir: code, MemoryMB: 128})
	if _, err := process.New(process.Config{RunDir: runDir}); err != nil {
		t.Fatalf("second New = %v", err)
	}
	select {
	case <-inst.Done():
	case <-time.After(30 * time.Second):
		t.Fatalf("the first engine's instance still runs after a new engine took over its RunDir")
	}
	if _, err := os.Stat(filepath.Join(runDir, "instances", inst.ID())); !os.IsNotExist(err) {
		t.Errorf("the leftover instance directory survives (stat: %v)", err)
	}
}

// TestUserNamespace: an instance, fresh or pre-warmed, runs in a user
// namespace of its own that maps its uid and gid only, to themselves.
func TestUserNamespace(t *testing.T) {
	code := writePython(t, "import os\ndef handler(event, context):\n"+
		"    return [os.getuid(), open('/proc/self/uid_map').read().split(), open('/proc/self/gid_map').read().split()]\n")
	for _, pooled := range []bool{false, true} {
		t.Run(map[bool]string{false: "fresh", true: "pre-warmed"}[pooled], func(t *testing.T) {
			var e *process.Engine
			if pooled {
				e = newPooledEngine(t, process.IsolationSandbox)
				awaitReady(t, e, "python")
			} else {
				e = newEngine(t, process.IsolationSandbox)
			}
			if ok, why := e.UserNamespaces(); !ok {
				t.Skipf("no user namespaces here: %v", why)
			}
			inst := startSpec(t, e, &sandbox.Spec{Runtime: "python3", Handler: "index.handler", CodeDir: code, MemoryMB: 128})
			if hits := poolOf(e, "python").Hits; pooled && hits != 1 {
				t.Fatalf("pool hits %d, want 1", hits)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "userns", Body: []byte("{}")})
			if err != nil || res.ErrorType != "" {
				t.Fatalf("Invoke = %+v, %v", res, err)
			}
			var uid int
			var uidMap, gidMap []string
			if err := json.Unmarshal(res.Body, &[]any{&uid, &uidMap, &gidMap}); err != nil {
				t.Fatalf("answer %s: %v", res.Body, err)
			}
			id := strconv.Itoa(uid)
			want := []string{id, id, "1"}
			if !slices.Equal(uidMap, want) || !slices.Equal(gidMap, want) {
				t.Errorf("uid %d: uid_map %q gid_map %q, want %q", uid, uidMap, gidMap, want)
			}
		})
	}
}
