package tests

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"github.com/yun-fc/yun/tests/testnode"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/client"
)

// TestWasmFunction builds examples/hello-wasm for WASI preview 1, deploys it
// with runtime wasm.wasip1 and invokes it through the API.
func TestWasmFunction(t *testing.T) {
	module := filepath.Join(t.TempDir(), "main.wasm")
	build := exec.Command("go", "build", "-o", module, "./examples/hello-wasm")
	build.Dir = testnode.RepoDir
	build.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build hello-wasm: %v\n%s", err, out)
	}
	data, err := os.ReadFile(module)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("main.wasm")
	w.Write(data)
	zw.Close()

	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	if _, err := c.CreateFunction(ctx, fn("hello-wasm", "wasm.wasip1", "main.wasm", base64.StdEncoding.EncodeToString(buf.Bytes()))); err != nil {
		t.Fatalf("create: %v", err)
	}
	for i := range 3 {
		res, err := c.Invoke(ctx, "hello-wasm", client.InvokeOptions{Body: []byte(`{"name":"Wasm"}`), LogTail: true})
		if err != nil {
			t.Fatalf("invoke %d: %v", i, err)
		}
		if res.ErrorType != "" || string(res.Body) != "Hello, Wasm!" {
			t.Fatalf("invoke %d: got %q (%s), want Hello, Wasm!", i, res.Body, res.ErrorType)
		}
		if !strings.Contains(string(res.Log), "greeting Wasm for request "+res.RequestID) ||
			!strings.Contains(string(res.Log), "FC Invoke End RequestId: "+res.RequestID) {
			t.Errorf("invoke %d: log %q lacks the guest's line or the End marker", i, res.Log)
		}
	}
}
