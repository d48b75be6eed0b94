package wasm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

func TestHello(t *testing.T) {
	t.Parallel()
	hello, _ := guestDirs(t)
	inst := start(t, sharedEngine(t), testSpec(hello))
	tests := []struct{ name, event, want string }{
		{"with a name", `{"name":"Yun"}`, "Hello, Yun!"},
		{"empty event", ``, "Hello, world!"},
		{"not JSON", `not json`, "Hello, world!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, id := invoke(t, inst, tt.event)
			wantOK(t, res, tt.want)
			wantLines(t, "Result.Log", string(res.Log), "FC Invoke Start RequestId: "+id,
				"greeting ", "FC Invoke End RequestId: "+id)
		})
	}
}

// TestGuestContext checks what a guest sees of its function: arguments,
// environment and working directory.
func TestGuestContext(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	spec := testSpec(guest)
	spec.InstanceID = "inst-1"
	spec.Env["FC_FUNCTION_NAME"] = "user override"
	spec.Timeout = 90 * time.Second
	inst := start(t, sharedEngine(t), spec)
	tests := []struct{ event, want string }{
		{"args", "main.wasm"},
		{"env USER_VAR", "user value"},
		{"env FC_FUNCTION_NAME", "guest"},
		{"env FC_FUNCTION_HANDLER", "main.wasm"},
		{"env FC_FUNCTION_MEMORY_SIZE", "128"},
		{"env FC_TIMEOUT", "90"},
		{"env FC_REGION", "cn-test"},
		{"env FC_ACCOUNT_ID", "1234567890"},
		{"env FC_QUALIFIER", "LATEST"},
		{"env FC_VERSION_ID", "1"},
		{"env FC_INSTANCE_ID", "inst-1"},
		{"env FC_RUNTIME", "wasm.wasip1"},
		{"env FC_FUNC_CODE_PATH", "/code/"},
		{"env HOME", ""},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			res, _ := invoke(t, inst, tt.event)
			wantOK(t, res, tt.want)
		})
	}
	t.Run("env FC_REQUEST_ID", func(t *testing.T) {
		res, id := invoke(t, inst, "env FC_REQUEST_ID")
		wantOK(t, res, id)
	})
}

// TestFiles checks the guest's file system: /code read-only, /tmp private
// and writable, nothing else, no way out through ".." or links.
func TestFiles(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	inst := start(t, sharedEngine(t), testSpec(guest))
	res, _ := invoke(t, inst, "files")
	want := map[string]string{
		"read /code":       "ok",
		"read relative":    "ok",
		"write /code":      "failed",
		"remove /code":     "failed",
		"write /tmp":       "ok",
		"read /tmp":        "ok",
		"read /etc/passwd": "failed",
		"list /":           "failed",
		"symlink /tmp":     "failed",
		"read via symlink": "failed",
	}
	got := map[string]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(res.Body)), "\n") {
		name, outcome, _ := strings.Cut(line, ": ")
		got[name] = outcome
	}
	for name, w := range want {
		if !strings.HasPrefix(got[name], w) {
			t.Errorf("%s: got %q, want %s\nall:\n%s", name, got[name], w, res.Body)
		}
	}
	if _, err := os.Stat(guest + "/new.txt"); !os.IsNotExist(err) {
		t.Errorf("Stat(code/new.txt) = %v, want not exist", err)
	}
	if b, err := os.ReadFile(inst.dir + "/t.txt"); err != nil || string(b) != "tmp" {
		t.Errorf("the instance's t.txt = %q, %v; want \"tmp\"", b, err)
	}
}

// TestLogs checks the log around an invocation, in Result.Log and in
// Spec.Logs, and the memory figures.
func TestLogs(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	spec := testSpec(guest)
	logs := &logBuffer{}
	spec.Logs = logs
	inst := start(t, sharedEngine(t), spec)
	res, id := invoke(t, inst, "echo hi")
	wantOK(t, res, "hi")
	want := []string{"FC Invoke Start RequestId: " + id, "echo for request " + id,
		"FC Invoke End RequestId: " + id, "Duration: "}
	wantLines(t, "Result.Log", string(res.Log), want...)
	if !strings.Contains(string(res.Log), "Memory Size: 128 MB, Max Memory Used: ") {
		t.Errorf("Result.Log = %q, want the memory figures", res.Log)
	}
	if res.MaxMemory <= 0 || res.MaxMemory%pageSize != 0 || res.MaxMemory > 128<<20 {
		t.Errorf("MaxMemory = %d, want a positive number of 64 KiB pages within 128 MB", res.MaxMemory)
	}
	res, _ = invoke(t, inst, "log 2000")
	wantOK(t, res, "logged")
	if len(res.Log) > 4096 || !strings.Contains(string(res.Log), "line 1999\n") {
		t.Errorf("Result.Log of 2000 lines has %d bytes, want at most 4096 ending with the last lines", len(res.Log))
	}
	stop(t, inst) // flushes Spec.Logs
	wantLines(t, "Spec.Logs", logs.String(), append(want, "line 0", "line 1999")...)
}

func TestNoLogWanted(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	inst := start(t, sharedEngine(t), testSpec(guest))
	res, err := inst.Invoke(context.Background(), &sandbox.Invocation{Body: []byte("echo quiet")})
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, res, "quiet")
	if res.Log != nil {
		t.Errorf("Result.Log = %q without WantLog, want nil", res.Log)
	}
}

// TestConcurrentInvocations runs many invocations of one instance at once:
// each gets its own answer and its own log lines.
func TestConcurrentInvocations(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	inst := start(t, sharedEngine(t), testSpec(guest))
	var wg sync.WaitGroup
	for n := range 16 {
		wg.Go(func() {
			want := fmt.Sprintf("call-%d", n)
			res, id := invoke(t, inst, "echo "+want)
			wantOK(t, res, want)
			if !strings.Contains(string(res.Log), "echo for request "+id+"\n") ||
				strings.Count(string(res.Log), "echo for request") != 1 {
				t.Errorf("log of %s = %q, want exactly its own line", id, res.Log)
			}
		})
	}
	wg.Wait()
}

// TestGuestFailures checks the results of guests that fail, and that the
// instance still serves the next invocation.
func TestGuestFailures(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	eng := sharedEngine(t)
	inst := start(t, eng, testSpec(guest))
	tests := []struct {
		name, event, errorType, message, log string
	}{
		{"exit code", "exit 3", errorTypeExit, "Function exited with exit code 3", ""},
		{"panic", "panic", errorTypeExit, "exit code 2", "panic: guest panics on purpose"},
		{"memory hog", "hog", errorTypeOOM, "out of memory: it needed more than its memorySize of 128 MB", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := invoke(t, inst, tt.event)
			wantFailure(t, res, tt.errorType, tt.message)
			if !strings.Contains(string(res.Log), tt.log) {
				t.Errorf("Result.Log = %q, want it to contain %q", res.Log, tt.log)
			}
			res, _ = invoke(t, inst, "echo still here")
			wantOK(t, res, "still here")
		})
	}
}

// TestTraps checks traps, and memory refused to a guest that then traps.
func TestTraps(t *testing.T) {
	t.Parallel()
	eng := sharedEngine(t)
	tests := []struct {
		name           string
		module         []byte
		errorType, msg string
	}{
		{"unreachable", commandModule(trapBody), errorTypeTrap, "Function trapped: wasm error: unreachable"},
		{"memory grow refused", commandModule(growBody), errorTypeOOM, "memorySize of 128 MB (wasm error: unreachable)"},
		{"proc_exit", moduleSpec{memoryPages: 1, imports: []wasmImport{procExit}, body: exitBody(7)}.bytes(),
			errorTypeExit, "exit code 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst := start(t, eng, testSpec(writeModule(t, tt.module)))
			res, _ := invoke(t, inst, "")
			wantFailure(t, res, tt.errorType, tt.msg)
			if tt.errorType == errorTypeTrap && !strings.Contains(string(res.Log), "wasm stack trace:") {
				t.Errorf("Result.Log = %q, want the wasm stack trace", res.Log)
			}
		})
	}
	t.Run("memory limit", func(t *testing.T) {
		inst := start(t, eng, testSpec(writeModule(t, commandModule(growBody))))
		res, _ := invoke(t, inst, "")
		if res.MaxMemory > 128<<20 || res.MaxMemory < 120<<20 {
			t.Errorf("MaxMemory = %d after growing until refused, want just under 128 MB", res.MaxMemory)
		}
	})
	t.Run("proc_exit 0", func(t *testing.T) {
		bin := moduleSpec{memoryPages: 1, imports: []wasmImport{procExit}, body: exitBody(0)}.bytes()
		inst := start(t, eng, testSpec(writeModule(t, bin)))
		res, _ := invoke(t, inst, "")
		wantOK(t, res, "")
	})
}

// TestTimeouts checks that a guest that spins or sleeps past its timeout
// is stopped, while other invocations, of the same instance and of
// another one, go on.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	hello, guest := guestDirs(t)
	eng := sharedEngine(t)
	spec := testSpec(guest)
	spec.Timeout = time.Second
	inst := start(t, eng, spec)
	other := start(t, eng, testSpec(hello))
	for _, event := range []string{"loop", "sleep"} {
		t.Run(event, func(t *testing.T) {
			done := make(chan *sandbox.Result)
			go func() {
				res, _ := invoke(t, inst, event)
				done <- res
			}()
			res, _ := invoke(t, inst, "echo beside")
			wantOK(t, res, "beside")
			res, _ = invoke(t, other, `{"name":"other"}`)
			wantOK(t, res, "Hello, other!")
			res = <-done
			if want := `{"errorMessage":"Function timed out after 1 seconds"}`; string(res.Body) != want ||
				res.ErrorType != sandbox.ErrorUnhandled || res.Broken {
				t.Errorf("got ErrorType %q Broken %v body %s, want %s unbroken with %s",
					res.ErrorType, res.Broken, res.Body, sandbox.ErrorUnhandled, want)
			}
			res, _ = invoke(t, inst, "echo after")
			wantOK(t, res, "after")
		})
	}
}

func TestCallerCancels(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	inst := start(t, sharedEngine(t), testSpec(guest))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: requestID(), Body: []byte("loop")})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Invoke with a cancelled context: error = %v, want context.Canceled", err)
	}
	if res == nil || !strings.Contains(string(res.Body), "cancelled") {
		t.Errorf("Invoke with a cancelled context: result = %+v, want a cancellation body", res)
	}
}

func TestResponseTooLarge(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	inst := start(t, sharedEngine(t), testSpec(guest))
	inst.maxOutput = 1 << 20
	res, _ := invoke(t, inst, "big 1000")
	wantOK(t, res, strings.Repeat("x", 1000))
	res, _ = invoke(t, inst, fmt.Sprint("big ", 2<<20))
	wantFailure(t, res, errorTypeTooLarge, "larger than the 1 MB limit")
}

// TestStop checks Stop: it ends a running guest, removes the scratch dir,
// closes Done, is idempotent, and later invocations are refused.
func TestStop(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	inst := start(t, sharedEngine(t), testSpec(guest))
	errc := make(chan error)
	go func() {
		_, err := inst.Invoke(context.Background(), &sandbox.Invocation{RequestID: requestID(), Body: []byte("loop")})
		errc <- err
	}()
	waitFor(t, "the invocation to run", func() bool {
		inst.mu.Lock()
		defer inst.mu.Unlock()
		return inst.running == 1
	})
	select {
	case <-inst.Done():
		t.Fatalf("Done() closed before Stop")
	default:
	}
	stop(t, inst)
	if err := <-errc; !errors.Is(err, sandbox.ErrStopped) {
		t.Errorf("Invoke running at Stop: error = %v, want ErrStopped", err)
	}
	select {
	case <-inst.Done():
	default:
		t.Errorf("Done() is open after Stop")
	}
	if _, err := os.Stat(inst.dir); !os.IsNotExist(err) {
		t.Errorf("Stat(scratch dir) after Stop = %v, want not exist", err)
	}
	stop(t, inst)
	if _, err := inst.Invoke(context.Background(), &sandbox.Invocation{Body: []byte("echo x")}); !errors.Is(err, sandbox.ErrStopped) {
		t.Errorf("Invoke after Stop: error = %v, want ErrStopped", err)
	}
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("waited %v for %s", deadline, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMemorySharedByInvocations checks that memorySize bounds the memory of
// an instance's concurrent invocations together.
func TestMemorySharedByInvocations(t *testing.T) {
	t.Parallel()
	bin := moduleSpec{memoryPages: 1200, body: loopBody}.bytes() // 75 MB, then spins
	inst := start(t, sharedEngine(t), testSpec(writeModule(t, bin)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error)
	go func() {
		_, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: requestID()})
		errc <- err
	}()
	waitFor(t, "the first invocation to hold its memory", func() bool {
		return inst.memory.used.Load() >= 1200*pageSize
	})
	res, _ := invoke(t, inst, "")
	wantFailure(t, res, errorTypeOOM, "the invocations running on its instance hold its memorySize of 128 MB")
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled invocation: error = %v, want context.Canceled", err)
	}
	if got := inst.memory.used.Load(); got != 0 {
		t.Errorf("memory held after every invocation ended = %d, want 0", got)
	}
}
