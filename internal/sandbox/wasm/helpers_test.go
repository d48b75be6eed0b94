package wasm

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// Deadlines for real things to happen on a slow, shared machine. Nothing
// here asserts timing.
const deadline = 2 * time.Minute

// testRoot holds everything the tests make; TestMain removes it.
var testRoot string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "yun-wasm-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	testRoot = dir
	code := m.Run()
	if shared.eng != nil {
		shared.eng.Close(context.Background())
	}
	return code
}

// guests are the Go modules of the tests, built once per test binary.
var guests struct {
	once  sync.Once
	err   error
	hello string // code dir with examples/hello-wasm as main.wasm
	guest string // code dir with testdata/guest as main.wasm and data.txt
}

// guestDirs builds the Go modules (GOOS=wasip1 GOARCH=wasm) into code dirs.
func guestDirs(t testing.TB) (hello, guest string) {
	t.Helper()
	guests.once.Do(func() {
		guests.hello = filepath.Join(testRoot, "code-hello")
		guests.guest = filepath.Join(testRoot, "code-guest")
		guests.err = errors.Join(
			buildModule(guests.hello, "github.com/yun-fc/yun/examples/hello-wasm"),
			buildModule(guests.guest, "./testdata/guest"),
			os.WriteFile(filepath.Join(guests.guest, "data.txt"), []byte("data"), 0o644))
	})
	if guests.err != nil {
		t.Fatalf("build the test modules: %v", guests.err)
	}
	return guests.hello, guests.guest
}

func buildModule(dir, pkg string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	cmd := exec.Command(goTool, "build", "-o", filepath.Join(dir, "main.wasm"), pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return nil
}

// shared is the engine most tests use: compiling a Go module takes seconds
// (much longer under -race), and one engine compiles each module once.
var shared struct {
	once sync.Once
	eng  *Engine
	err  error
}

func sharedEngine(t testing.TB) *Engine {
	t.Helper()
	shared.once.Do(func() {
		shared.eng, shared.err = New(Config{RunDir: filepath.Join(testRoot, "shared"), CacheDir: cacheDir()})
	})
	if shared.err != nil {
		t.Fatalf("New: %v", shared.err)
	}
	return shared.eng
}

// cacheDir is the compilation cache every test engine shares.
func cacheDir() string { return filepath.Join(testRoot, "cache") }

// newEngine makes an engine of the test's own, closed when the test ends.
func newEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	if cfg.RunDir == "" {
		cfg.RunDir = t.TempDir()
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = cacheDir()
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(context.Background()); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
	})
	return e
}

// testSpec describes an instance of the module main.wasm in dir.
func testSpec(dir string) *sandbox.Spec {
	return &sandbox.Spec{
		AccountID: "1234567890",
		Region:    "cn-test",
		Function:  "guest",
		Qualifier: "LATEST",
		VersionID: "1",
		Runtime:   Runtime,
		Handler:   "main.wasm",
		CodeDir:   dir,
		Env:       map[string]string{"USER_VAR": "user value"},
		MemoryMB:  128,
		Timeout:   time.Minute,
	}
}

// start starts spec and stops the instance when the test ends.
func start(t testing.TB, eng *Engine, spec *sandbox.Spec) *Instance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	inst, err := eng.Start(ctx, spec)
	if err != nil {
		t.Fatalf("Start(%s): %v", spec.Handler, err)
	}
	t.Cleanup(func() { stop(t, inst) })
	return inst.(*Instance)
}

func stop(t testing.TB, inst sandbox.Instance) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := inst.Stop(ctx); err != nil {
		t.Errorf("Stop(%s) = %v, want nil", inst.ID(), err)
	}
}

// invoke sends body with a fresh request id, asks for the log and fails
// the test on an error.
func invoke(t testing.TB, inst sandbox.Instance, body string) (*sandbox.Result, string) {
	t.Helper()
	id := requestID()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: id, Body: []byte(body), WantLog: true})
	if err != nil {
		t.Fatalf("Invoke(%q) error = %v, want nil", body, err)
	}
	return res, id
}

// wantOK fails unless res is a success with body want.
func wantOK(t testing.TB, res *sandbox.Result, want string) {
	t.Helper()
	if res.ErrorType != "" || res.Broken || string(res.Body) != want {
		t.Fatalf("got ErrorType %q Broken %v body %q, want a success with body %q\nlog:\n%s",
			res.ErrorType, res.Broken, res.Body, want, res.Log)
	}
}

// wantFailure fails unless res is an unhandled error whose body has
// errorType and a message containing message.
func wantFailure(t testing.TB, res *sandbox.Result, errorType, message string) {
	t.Helper()
	var body errorJSON
	err := json.Unmarshal(res.Body, &body)
	if err != nil || res.ErrorType != sandbox.ErrorUnhandled || res.Broken ||
		body.ErrorType != errorType || !strings.Contains(body.ErrorMessage, message) {
		t.Fatalf("got ErrorType %q Broken %v body %s, want %s with errorType %q and a message containing %q\nlog:\n%s",
			res.ErrorType, res.Broken, res.Body, sandbox.ErrorUnhandled, errorType, message, res.Log)
	}
}

func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return "req-" + hex.EncodeToString(b[:])
}

// writeModule writes bin as main.wasm into a new directory and returns it.
func writeModule(t testing.TB, bin []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.wasm"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// logBuffer is a Spec.Logs the test reads after the engine wrote.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// wantLines fails unless text holds the lines want in that order, each as
// a line prefix.
func wantLines(t testing.TB, what, text string, want ...string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.HasPrefix(l, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("%s lacks the line %q (in order %q); got:\n%s", what, want[i], want, text)
	}
}
