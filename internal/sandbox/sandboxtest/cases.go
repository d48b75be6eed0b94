package sandboxtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// fcError is FC's error body.
type fcError struct {
	ErrorMessage string          `json:"errorMessage"`
	ErrorType    string          `json:"errorType"`
	StackTrace   json.RawMessage `json:"stackTrace"`
}

func decodeError(t *testing.T, body []byte) fcError {
	t.Helper()
	var e fcError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q is not FC's error JSON: %v", body, err)
	}
	return e
}

// wantFailure fails unless res is a failure of errorType with the given Broken.
func wantFailure(t *testing.T, res *sandbox.Result, broken bool) fcError {
	t.Helper()
	if res.ErrorType != sandbox.ErrorUnhandled || res.Broken != broken {
		t.Fatalf("got ErrorType %q Broken %v (body %q), want %q Broken %v",
			res.ErrorType, res.Broken, res.Body, sandbox.ErrorUnhandled, broken)
	}
	return decodeError(t, res.Body)
}

// commonCases hold for every language runtime: each testdata function
// implements the same handlers.
func commonCases() []testCase {
	return []testCase{
		{"Echo", testEcho},
		{"Context", testContext},
		{"Environment", testEnvironment},
		{"HandlerError", testHandlerError},
		{"MissingHandler", testMissingHandler},
		{"Timeout", testTimeout},
		{"Crash", testCrash},
		{"Logs", testLogs},
		{"ConcurrentLogs", testConcurrentLogs},
		{"Initializer", testInitializer},
		{"InitializerError", testInitializerError},
		{"InitializerTimeout", testInitializerTimeout},
		{"PreStop", testPreStop},
		{"StopCleansUp", testStopCleansUp},
		{"InvokeAfterStop", testInvokeAfterStop},
		{"CallerCancels", testCallerCancels},
		{"CancelledBeforeSent", testCancelledBeforeSent},
	}
}

func testEcho(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.echo"))
	big := make([]byte, 1<<20)
	rand.Read(big)
	for _, tc := range []struct{ name, body string }{
		{"json", `{"key":"value"}`},
		{"empty", ""},
		{"binary 1 MiB", string(big)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := invoke(t, inst, tc.body)
			wantOK(t, res, tc.body)
		})
	}
}

func testContext(t *testing.T, s *suite) {
	spec := s.spec("index.context")
	inst := start(t, s.eng, spec)
	res, id := invoke(t, inst, "")
	var got map[string]any
	if err := json.Unmarshal(res.Body, &got); err != nil {
		t.Fatalf("context answer %q: %v", res.Body, err)
	}
	want := map[string]any{
		"requestId": id, "functionName": spec.Function, "handler": spec.Handler,
		"memory": float64(spec.MemoryMB), "timeout": spec.Timeout.Seconds(), "qualifier": spec.Qualifier,
		"versionId": spec.VersionID, "region": spec.Region, "accountId": spec.AccountID,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("context %s = %v, want %v", k, got[k], w)
		}
	}
}

func testEnvironment(t *testing.T, s *suite) {
	spec := s.spec("index.env")
	inst := start(t, s.eng, spec)
	names := []string{"FC_FUNCTION_NAME", "FC_FUNCTION_HANDLER", "FC_FUNCTION_MEMORY_SIZE", "FC_TIMEOUT",
		"FC_REGION", "FC_ACCOUNT_ID", "FC_INSTANCE_ID", "FC_RUNTIME", "FC_CUSTOM_LISTEN_PORT",
		"FC_FUNC_CODE_PATH", "USER_VAR", "LANG", "PATH", "HOME", "TMPDIR"}
	query, _ := json.Marshal(names)
	res, _ := invoke(t, inst, string(query))
	var got map[string]*string
	if err := json.Unmarshal(res.Body, &got); err != nil {
		t.Fatalf("env answer %q: %v", res.Body, err)
	}
	want := map[string]string{
		"FC_FUNCTION_NAME": spec.Function, "FC_FUNCTION_HANDLER": spec.Handler, "FC_FUNCTION_MEMORY_SIZE": "128",
		"FC_TIMEOUT": "30", "FC_REGION": spec.Region, "FC_ACCOUNT_ID": spec.AccountID, "FC_INSTANCE_ID": inst.ID(),
		"FC_RUNTIME": spec.Runtime, "USER_VAR": "user value", "LANG": "C.UTF-8", "PATH": "/usr/local/bin:/usr/bin:/bin",
	}
	for k, w := range want {
		if got[k] == nil || *got[k] != w {
			t.Errorf("env %s = %v, want %q", k, deref(got[k]), w)
		}
	}
	for _, k := range []string{"FC_CUSTOM_LISTEN_PORT", "FC_FUNC_CODE_PATH", "HOME"} {
		if got[k] == nil || *got[k] == "" {
			t.Errorf("env %s is unset, want a value", k)
		}
	}
	if home := deref(got["HOME"]); home != deref(got["TMPDIR"]) || home == os.Getenv("HOME") {
		t.Errorf("env HOME %q TMPDIR %q, want the instance's private tmp dir for both", home, deref(got["TMPDIR"]))
	}
}

func deref(s *string) string {
	if s == nil {
		return "<unset>"
	}
	return *s
}

func testHandlerError(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.fail"))
	res, _ := invoke(t, inst, "")
	e := wantFailure(t, res, false)
	if e.ErrorMessage != "boom" || e.ErrorType != s.lang.errorType {
		t.Errorf("got errorMessage %q errorType %q, want %q %q", e.ErrorMessage, e.ErrorType, "boom", s.lang.errorType)
	}
	if err := s.lang.checkStack(e.StackTrace); err != nil {
		t.Errorf("stackTrace %s: %v", e.StackTrace, err)
	}
	if !bytes.Contains(res.Log, []byte("boom")) {
		t.Errorf("log %q does not mention the error", res.Log)
	}
	res, _ = invoke(t, inst, "")
	wantFailure(t, res, false) // the instance still serves
}

func testMissingHandler(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("missing.handler"))
	res, _ := invoke(t, inst, "")
	if e := wantFailure(t, res, false); e.ErrorMessage == "" {
		t.Errorf("got an empty errorMessage, want why the handler is missing")
	}
}

func testTimeout(t *testing.T, s *suite) {
	spec := s.spec("index.sleep")
	spec.Timeout = time.Second
	inst := start(t, s.eng, spec)
	res, _ := invoke(t, inst, "30000")
	wantFailure(t, res, true)
	if want := `{"errorMessage":"Function timed out after 1 seconds"}`; string(res.Body) != want {
		t.Errorf("got body %s, want %s", res.Body, want)
	}
	waitDone(t, inst)
}

func testCrash(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.crash"))
	res, _ := invoke(t, inst, "")
	e := wantFailure(t, res, true)
	if want := "Process exited unexpectedly before completing request (duration: "; !strings.HasPrefix(e.ErrorMessage, want) {
		t.Errorf("got errorMessage %q, want it to start with %q", e.ErrorMessage, want)
	}
	waitDone(t, inst)
}

func testLogs(t *testing.T, s *suite) {
	spec := s.spec("index.logs")
	inst := start(t, s.eng, spec)
	res, id := invoke(t, inst, "")
	wantOK(t, res, "logged")
	want := []string{"FC Invoke Start RequestId: " + id, "log line", "warn line", "error line", "logger line",
		"FC Invoke End RequestId: " + id, "Duration: "}
	wantInOrder(t, "Result.Log", string(res.Log), want)
	if line := lineWith(string(res.Log), "logger line"); !strings.Contains(line, id) || !strings.Contains(line, "[INFO]") {
		t.Errorf("logger line %q, want it to carry the request id and [INFO]", line)
	}
	if line := lineWith(string(res.Log), "error line"); !strings.Contains(line, "[ERROR]") {
		t.Errorf("error line %q, want [ERROR]", line)
	}
	stop(t, inst)
	wantInOrder(t, "Spec.Logs", spec.Logs.(*logBuffer).String(), want)
}

// wantInOrder fails unless every string of want occurs in log, in order.
func wantInOrder(t *testing.T, name, log string, want []string) {
	t.Helper()
	rest := log
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%s lacks %q after the previous lines; whole log:\n%s", name, w, log)
			return
		}
		rest = rest[i+len(w):]
	}
}

func lineWith(log, sub string) string {
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

func testConcurrentLogs(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.tagged"))
	tags := []string{"alpha", "bravo", "charlie", "delta"}
	results := make([]*sandbox.Result, len(tags))
	ids := make([]string, len(tags))
	errs := make([]error, len(tags))
	var wg sync.WaitGroup
	for i, tag := range tags {
		wg.Go(func() { results[i], ids[i], errs[i] = tryInvoke(inst, tag) })
	}
	wg.Wait()
	for i, tag := range tags {
		res := results[i]
		if errs[i] != nil {
			t.Errorf("Invoke(%q) error = %v, want nil", tag, errs[i])
			continue
		}
		wantOK(t, res, tag)
		log := string(res.Log)
		wantInOrder(t, tag, log, []string{"FC Invoke Start RequestId: " + ids[i], "tag-" + tag + " one",
			"tag-" + tag + " two", "FC Invoke End RequestId: " + ids[i]})
		for _, other := range tags {
			if other != tag && strings.Contains(log, "tag-"+other) {
				t.Errorf("log of %s holds a line of %s:\n%s", tag, other, log)
			}
		}
	}
}

func testInitializer(t *testing.T, s *suite) {
	spec := s.spec("index.initcount")
	spec.Initializer = &sandbox.Hook{Handler: s.lang.initializer, Timeout: 30 * time.Second}
	inst := start(t, s.eng, spec)
	for range 2 {
		res, _ := invoke(t, inst, "")
		wantOK(t, res, "initialized 1")
	}
	stop(t, inst)
	wantInOrder(t, "Spec.Logs", spec.Logs.(*logBuffer).String(),
		[]string{"FC Initialize Start RequestId: ", "FC Initialize End RequestId: ", "FC Invoke Start RequestId: "})
}

func testInitializerError(t *testing.T, s *suite) {
	spec := s.spec("index.echo")
	spec.Initializer = &sandbox.Hook{Handler: "index.initfail", Timeout: 30 * time.Second}
	ie := startFails(t, s.eng, spec)
	if e := decodeError(t, ie.Body); e.ErrorMessage != "init boom" || e.ErrorType != s.lang.errorType {
		t.Errorf("got errorMessage %q errorType %q, want %q %q", e.ErrorMessage, e.ErrorType, "init boom", s.lang.errorType)
	}
	wantInOrder(t, "InitError.Log", string(ie.Log), []string{"FC Initialize Start RequestId: ", "init boom"})
}

func testInitializerTimeout(t *testing.T, s *suite) {
	spec := s.spec("index.echo")
	spec.Initializer = &sandbox.Hook{Handler: "index.initslow", Timeout: time.Second}
	ie := startFails(t, s.eng, spec)
	if e := decodeError(t, ie.Body); !strings.Contains(e.ErrorMessage, "timed out") {
		t.Errorf("got errorMessage %q, want a time-out", e.ErrorMessage)
	}
}

func testPreStop(t *testing.T, s *suite) {
	spec := s.spec("index.echo")
	spec.PreStop = &sandbox.Hook{Handler: "index.prestop", Timeout: 30 * time.Second}
	inst := start(t, s.eng, spec)
	res, _ := invoke(t, inst, "x")
	wantOK(t, res, "x")
	stop(t, inst)
	if log := spec.Logs.(*logBuffer).String(); !strings.Contains(log, "prestop ran") {
		t.Errorf("Spec.Logs lacks the preStop hook's line; log:\n%s", log)
	}
}

// testStopCleansUp checks that Stop ends the instance and everything it
// spawned and removes its files. Processes and paths are checked where the
// test can see them: an isolating engine may hide them in its namespaces.
func testStopCleansUp(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.spawn"))
	res, _ := invoke(t, inst, "")
	if res.ErrorType != "" {
		t.Fatalf("spawn failed: %s", res.Body)
	}
	var got struct {
		PID, Child int
		File       string
	}
	if err := json.Unmarshal(res.Body, &got); err != nil {
		t.Fatalf("spawn answer %q: %v", res.Body, err)
	}
	marker := "FC_INSTANCE_ID=" + inst.ID()
	pids := []int{got.PID, got.Child}
	visible := map[int]bool{}
	for _, pid := range pids {
		visible[pid] = environHas(pid, marker)
	}
	_, err := os.Stat(got.File)
	fileVisible := err == nil
	stop(t, inst)
	waitDone(t, inst)
	for _, pid := range pids {
		if visible[pid] && !eventuallyTrue(func() bool { return !environHas(pid, marker) }) {
			t.Errorf("process %d of the instance still runs after Stop", pid)
		}
	}
	for _, path := range []string{got.File, filepath.Dir(got.File)} {
		if _, err := os.Stat(path); fileVisible && !os.IsNotExist(err) {
			t.Errorf("%s of the instance survives Stop (stat: %v)", path, err)
		}
	}
	if err := inst.Stop(context.Background()); err != nil {
		t.Errorf("second Stop = %v, want nil", err)
	}
}

// environHas says whether process pid runs with env entry kv.
func environHas(pid int, kv string) bool {
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return false
	}
	for _, e := range bytes.Split(env, []byte{0}) {
		if string(e) == kv {
			return true
		}
	}
	return false
}

func eventuallyTrue(cond func() bool) bool {
	deadline := time.Now().Add(eventually)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

func testInvokeAfterStop(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.echo"))
	stop(t, inst)
	_, err := inst.Invoke(context.Background(), &sandbox.Invocation{RequestID: requestID()})
	if !errors.Is(err, sandbox.ErrStopped) {
		t.Errorf("Invoke after Stop = %v, want sandbox.ErrStopped", err)
	}
}

// testCallerCancels: the caller stops waiting; the runtime may still run the
// request, so the Result marks the instance Broken.
func testCallerCancels(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.sleep"))
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(200*time.Millisecond, cancel)
	defer timer.Stop()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: requestID(), Body: []byte("30000")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Invoke with a cancelled ctx = %v, want context.Canceled", err)
	}
	if res == nil || !res.Broken {
		t.Errorf("got Result %+v, want one with Broken true", res)
	}
}

// testCancelledBeforeSent: a caller gone before the request went out (it
// left just as its instance was found) gets ctx's error, and the instance,
// which never saw the request, serves on.
func testCancelledBeforeSent(t *testing.T, s *suite) {
	inst := start(t, s.eng, s.spec("index.echo"))
	invoke(t, inst, "warm") // a pooled connection, as on the warm path
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: requestID(), Body: []byte("never")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Invoke with a cancelled ctx = %v, want context.Canceled", err)
	}
	if res == nil || res.Broken {
		t.Errorf("got Result %+v, want one with Broken false", res)
	}
	res, _ = invoke(t, inst, "again")
	wantOK(t, res, "again")
}
