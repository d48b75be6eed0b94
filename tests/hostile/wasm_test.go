package hostile

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/tests/testnode"
)

const wasmRuntime = "wasm.wasip1"

// TestHostileWasm runs the hostile WebAssembly functions. WebAssembly runs
// on every host, sandbox or not, so this needs nothing of the host. After
// each case the guest answers again and so does another function.
func TestHostileWasm(t *testing.T) {
	module := buildWasm(t)
	s := &suite{n: startNode(t)}
	s.c = s.n.Client()
	// The control function compiles the module; the others, with short
	// timeouts, then load it from the node's compilation cache (it is
	// keyed by content), so their cold starts fit within their timeouts.
	s.create(t, wasmFunction(t, "wasm-control", module, 60, 0))
	s.wasmAnswers(t, "wasm-control")
	cases := []struct {
		name string
		run  func(t *testing.T, s *suite, module []byte)
	}{
		{"InfiniteLoop", testWasmLoop},
		{"OutOfMemory", testWasmOOM},
		{"FillTmp", testWasmFillTmp},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, s, module)
			s.wasmAnswers(t, "wasm-control")
		})
	}
}

// testWasmLoop: a guest spinning without a call is stopped at its
// timeout with FC's time-out error; the next call is served.
func testWasmLoop(t *testing.T, s *suite, module []byte) {
	s.create(t, wasmFunction(t, "wasm-loop", module, 3, 0))
	start := time.Now()
	res := s.invoke(t, "wasm-loop", "loop")
	if res.ErrorType != "UnhandledInvocationError" || !strings.Contains(string(res.Body), "timed out after 3 seconds") {
		t.Errorf("loop: got type %q body %q, want a time-out", res.ErrorType, res.Body)
	}
	if elapsed := time.Since(start); elapsed > time.Minute {
		t.Errorf("a 3 s timeout took %v to answer", elapsed)
	}
	s.wasmAnswers(t, "wasm-loop")
}

// testWasmOOM: a guest that allocates past memorySize fails with the
// OutOfMemory error type; the next call is served.
func testWasmOOM(t *testing.T, s *suite, module []byte) {
	s.create(t, wasmFunction(t, "wasm-hog", module, 60, 128))
	res := s.invoke(t, "wasm-hog", "hog")
	var body struct{ ErrorMessage, ErrorType string }
	json.Unmarshal(res.Body, &body)
	if res.ErrorType != "UnhandledInvocationError" || body.ErrorType != "OutOfMemory" {
		t.Errorf("hog: got type %q body %s, want UnhandledInvocationError with errorType OutOfMemory", res.ErrorType, res.Body)
	}
	s.wasmAnswers(t, "wasm-hog")
}

// testWasmFillTmp: a guest writing into /tmp until it fails stops at
// diskSize (the smallest, 512 MB) with ENOSPC. It then removes its file, so
// the next one gets as far: the space came back.
func testWasmFillTmp(t *testing.T, s *suite, module []byte) {
	const diskMB = 512
	in := wasmFunction(t, "wasm-filltmp", module, 60, 0)
	in.DiskSize = ptr(diskMB)
	s.create(t, in)
	for range 2 {
		start := time.Now()
		res := s.invoke(t, "wasm-filltmp", "fill 700")
		var got struct {
			Result  string
			Written int64
		}
		if err := json.Unmarshal(res.Body, &got); err != nil || res.ErrorType != "" {
			t.Fatalf("fill: got type %q body %q, want an answer", res.ErrorType, res.Body)
		}
		if got.Result != "ENOSPC" || got.Written > diskMB<<20 || got.Written < (diskMB-1)<<20 {
			t.Errorf("filling /tmp: %s after %d bytes, want ENOSPC after %d MB", got.Result, got.Written, diskMB)
		}
		t.Logf("filled /tmp with %d bytes in %v", got.Written, time.Since(start))
	}
	s.wasmAnswers(t, "wasm-filltmp")
}

// wasmAnswers checks that the server lives and the function name answers.
func (s *suite) wasmAnswers(t *testing.T, name string) {
	t.Helper()
	s.n.alive(t)
	if res := s.invoke(t, name, "ping"); res.ErrorType != "" || string(res.Body) != "wasm ping" {
		t.Errorf("%s: got type %q body %q, want %q", name, res.ErrorType, res.Body, "wasm ping")
	}
}

// wasmFunction is a function of module with timeout seconds and memoryMB
// (0: the default).
func wasmFunction(t *testing.T, name string, module []byte, timeout, memoryMB int) *fc.FunctionInput {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("main.wasm")
	w.Write(module)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	in := testnode.Fn(name, wasmRuntime, "main.wasm", base64.StdEncoding.EncodeToString(buf.Bytes()))
	in.Timeout = ptr(timeout)
	if memoryMB > 0 {
		in.MemorySize = ptr(memoryMB)
	}
	return in
}

// buildWasm builds testdata/wasm for WASI preview 1.
func buildWasm(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "main.wasm")
	build := exec.Command("go", "build", "-o", out, "./tests/hostile/testdata/wasm")
	build.Dir = testnode.RepoDir
	build.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the wasm guest: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
