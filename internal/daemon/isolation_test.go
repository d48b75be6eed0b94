package daemon

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// noIsolation acts out a host that cannot isolate (not root, no
// namespaces, macOS): the process engine refuses the sandbox, and runs
// plain processes when asked to.
func noIsolation(t *testing.T) {
	saved := newProcessEngine
	newProcessEngine = func(cfg process.Config) (*process.Engine, error) {
		if cfg.Isolation == process.IsolationNone {
			return process.New(cfg)
		}
		return nil, fmt.Errorf("%w: the test says so", process.ErrIsolationUnavailable)
	}
	t.Cleanup(func() { newProcessEngine = saved })
}

// TestNoIsolationRefusesProcessRuntimes: where isolation is impossible,
// the node says so (the banner prints Isolation), refuses to create
// Node.js, Python and custom functions while it still offers WebAssembly; with
// UnsafeNoIsolation it runs them as plain processes and says that too.
func TestNoIsolationRefusesProcessRuntimes(t *testing.T) {
	noIsolation(t)
	python := zipOf(t, map[string][]byte{"index.py": []byte("def handler(event, context):\n    return 'python ran'\n")})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("refused", func(t *testing.T) {
		d := start(t, newConfig(t, t.TempDir()))
		if got := d.Isolation(); !strings.Contains(got, "process runtimes DISABLED") || !strings.Contains(got, "--unsafe-no-isolation") ||
			!strings.Contains(got, "the test says so") {
			t.Errorf("Isolation() = %q, want it to say process runtimes are disabled, why, and name --unsafe-no-isolation", got)
		}
		c := d.ClientConfig().Client()
		name, runtime, handler := "py", "python3.10", "index.handler"
		_, err := c.CreateFunction(ctx, &fc.FunctionInput{FunctionName: &name, Runtime: &runtime, Handler: &handler,
			Code: &fc.InputCodeLocation{ZipFile: python}})
		if err == nil || !strings.Contains(err.Error(), "not available on this node; available: wasm.wasip1") {
			t.Errorf("create a python function: got %v, want it refused, WebAssembly still offered", err)
		}
	})
	t.Run("unsafe", func(t *testing.T) {
		cfg := newConfig(t, t.TempDir())
		cfg.UnsafeNoIsolation = true
		d := start(t, cfg)
		if got := d.Isolation(); !strings.HasPrefix(got, "NONE") || !strings.Contains(got, "--unsafe-no-isolation") {
			t.Errorf("Isolation() = %q, want it to start with NONE and name the flag", got)
		}
		c := d.ClientConfig().Client()
		createFn(ctx, t, c, "py", "python3.10", "index.handler", python)
		res, err := c.Invoke(ctx, "py", client.InvokeOptions{})
		if err != nil || res.ErrorType != "" || string(res.Body) != "python ran" {
			t.Errorf("python function with --unsafe-no-isolation: %v %+v, want it to run", err, res)
		}
	})
}

func createFn(ctx context.Context, t *testing.T, c *client.Client, name, runtime, handler, zipB64 string) {
	t.Helper()
	in := &fc.FunctionInput{FunctionName: &name, Runtime: &runtime, Handler: &handler, Code: &fc.InputCodeLocation{ZipFile: zipB64}}
	if _, err := c.CreateFunction(ctx, in); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
}

func zipOf(t *testing.T, files map[string][]byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
