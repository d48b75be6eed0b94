package tests

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// TestInvokeRuntimes deploys the examples of every runtime and invokes them
// through the Go client: payload in, result out, Tail logs.
func TestInvokeRuntimes(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	cases := []struct {
		name, runtime, dir string
	}{
		{"hello-node", "nodejs20", "examples/hello-node"},
		{"hello-python", "python3.11", "examples/hello-python"},
		{"hello-custom", "custom.debian12", "examples/hello-custom"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.CreateFunction(ctx, fn(tc.name, tc.runtime, "index.handler", zipDir(t, tc.dir))); err != nil {
				t.Fatalf("create: %v", err)
			}
			for i := range 3 { // the first call is a cold start, the others reuse the instance
				res, err := c.Invoke(ctx, tc.name, client.InvokeOptions{Body: []byte(`{"name":"Go"}`), LogTail: true})
				if err != nil {
					t.Fatalf("invoke %d: %v", i, err)
				}
				if res.ErrorType != "" || !strings.Contains(string(res.Body), "Hello, Go") {
					t.Fatalf("invoke %d: got error type %q body %q, want a greeting", i, res.ErrorType, res.Body)
				}
				for _, marker := range []string{"FC Invoke Start RequestId: " + res.RequestID, "FC Invoke End RequestId: " + res.RequestID} {
					if !strings.Contains(string(res.Log), marker) {
						t.Errorf("invoke %d: log %q lacks %q", i, res.Log, marker)
					}
				}
			}
		})
	}
}

// TestInvokeFailures covers what user code can do wrong: throw, crash, run
// past its timeout, fail its initializer. Each is FC's 200 + x-fc-error-type,
// and the function works again afterwards.
func TestInvokeFailures(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	create := func(t *testing.T, in *fc.FunctionInput) {
		t.Helper()
		if _, err := c.CreateFunction(ctx, in); err != nil {
			t.Fatalf("create %s: %v", *in.FunctionName, err)
		}
	}
	invoke := func(t *testing.T, name, body string) *client.InvokeResult {
		t.Helper()
		res, err := c.Invoke(ctx, name, client.InvokeOptions{Body: []byte(body), LogTail: true})
		if err != nil {
			t.Fatalf("invoke %s: %v", name, err)
		}
		return res
	}
	errorBody := func(t *testing.T, res *client.InvokeResult) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(res.Body, &m); err != nil {
			t.Fatalf("error body %q is not JSON: %v", res.Body, err)
		}
		return m
	}

	t.Run("node throws", func(t *testing.T) {
		create(t, fn("node-error", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-error")))
		res := invoke(t, "node-error", "{}")
		m := errorBody(t, res)
		if res.ErrorType != "UnhandledInvocationError" || m["errorMessage"] != "boom" || m["errorType"] != "Error" {
			t.Errorf("got type %q body %v, want UnhandledInvocationError boom Error", res.ErrorType, m)
		}
		if !strings.Contains(string(res.Log), "about to fail") {
			t.Errorf("log %q lacks the function's own output", res.Log)
		}
	})
	t.Run("python raises", func(t *testing.T) {
		create(t, fn("python-error", "python3.11", "index.handler", zipDir(t, "tests/testdata/functions/python-error")))
		res := invoke(t, "python-error", "{}")
		m := errorBody(t, res)
		if res.ErrorType != "UnhandledInvocationError" || m["errorMessage"] != "bad value" || m["errorType"] != "ValueError" {
			t.Errorf("got type %q body %v, want UnhandledInvocationError bad value ValueError", res.ErrorType, m)
		}
	})
	t.Run("crash replaces the instance", func(t *testing.T) {
		create(t, fn("node-crash", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-crash")))
		for i := range 2 {
			res := invoke(t, "node-crash", "")
			if res.ErrorType != "UnhandledInvocationError" || !strings.Contains(string(res.Body), "Process exited unexpectedly") {
				t.Errorf("call %d: got type %q body %q, want a process-exit error", i, res.ErrorType, res.Body)
			}
		}
	})
	t.Run("timeout stops the call and replaces the instance", func(t *testing.T) {
		in := fn("node-slow", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-slow"))
		in.Timeout = ptr(1)
		create(t, in)
		start := time.Now()
		res := invoke(t, "node-slow", "60000")
		if res.ErrorType != "UnhandledInvocationError" || !strings.Contains(string(res.Body), "timed out after 1 second") {
			t.Errorf("got type %q body %q, want a timeout error", res.ErrorType, res.Body)
		}
		if elapsed := time.Since(start); elapsed > 30*time.Second {
			t.Errorf("a 1 s timeout took %v to answer", elapsed)
		}
		if res := invoke(t, "node-slow", "10"); res.ErrorType != "" || string(res.Body) != "slept 10 ms" {
			t.Errorf("after a timeout: got type %q body %q, want a fresh instance to answer", res.ErrorType, res.Body)
		}
	})
	t.Run("initializer runs once per instance", func(t *testing.T) {
		in := fn("node-init", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-init"))
		in.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{Initializer: &fc.LifecycleHook{Handler: "index.initialize", Timeout: 5}}
		create(t, in)
		for i := range 3 {
			if res := invoke(t, "node-init", ""); string(res.Body) != "initialized=1" {
				t.Errorf("call %d: got %q (%s), want initialized=1", i, res.Body, res.ErrorType)
			}
		}
	})
	t.Run("failing initializer", func(t *testing.T) {
		in := fn("python-init", "python3.11", "index.handler", zipDir(t, "tests/testdata/functions/python-init"))
		in.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{Initializer: &fc.LifecycleHook{Handler: "index.initialize", Timeout: 5}}
		create(t, in)
		res := invoke(t, "python-init", "")
		if res.ErrorType != "InitializationError" || !strings.Contains(string(res.Body), "initializer refuses") {
			t.Errorf("got type %q body %q, want InitializationError with the message", res.ErrorType, res.Body)
		}
	})
}

// TestConcurrentColdStarts: N concurrent requests on a cold function with
// instanceConcurrency 1 all succeed.
func TestConcurrentColdStarts(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	in := fn("conc", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-slow"))
	in.Timeout = ptr(30)
	if _, err := c.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	const N = 8
	var wg sync.WaitGroup
	errs := make(chan error, N)
	for range N {
		wg.Go(func() {
			res, err := c.Invoke(ctx, "conc", client.InvokeOptions{Body: []byte("300")})
			if err == nil && (res.ErrorType != "" || string(res.Body) != "slept 300 ms") {
				err = fmt.Errorf("got type %q body %q", res.ErrorType, res.Body)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestBadInput: every kind of bad input gets its FC error and changes nothing.
func TestBadInput(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	good := zipDir(t, "examples/hello-node")
	withName := func(name string, mod func(*fc.FunctionInput)) *fc.FunctionInput {
		in := fn(name, "nodejs20", "index.handler", good)
		mod(in)
		return in
	}
	cases := []struct {
		name   string
		in     *fc.FunctionInput
		status int
		code   string
		msg    string
	}{
		{"bad name", withName("9lives", func(*fc.FunctionInput) {}), 400, "InvalidArgument", "functionName"},
		{"unknown runtime", withName("f1", func(in *fc.FunctionInput) { in.Runtime = ptr("cobol") }), 400, "InvalidArgument", "nodejs20"},
		{"unavailable runtime", withName("f2", func(in *fc.FunctionInput) { in.Runtime = ptr("java11") }), 400, "InvalidArgument", "not available"},
		{"bad handler", withName("f3", func(in *fc.FunctionInput) { in.Handler = ptr("index") }), 400, "InvalidArgument", "handler"},
		{"memory", withName("f4", func(in *fc.FunctionInput) { in.MemorySize = ptr(100) }), 400, "InvalidArgument", "memorySize"},
		{"timeout", withName("f5", func(in *fc.FunctionInput) { in.Timeout = ptr(86401) }), 400, "InvalidArgument", "timeout"},
		{"concurrency", withName("f6", func(in *fc.FunctionInput) { in.InstanceConcurrency = ptr(0) }), 400, "InvalidArgument", "instanceConcurrency"},
		{"env name", withName("f7", func(in *fc.FunctionInput) { in.EnvironmentVariables = map[string]string{"1X": "y"} }), 400, "InvalidArgument", "environment"},
		{"no code", withName("f8", func(in *fc.FunctionInput) { in.Code = nil }), 400, "InvalidArgument", "code"},
		{"not base64", withName("f9", func(in *fc.FunctionInput) { in.Code.ZipFile = "%%%" }), 400, "InvalidArgument", "base64"},
		{"not a zip", withName("f10", func(in *fc.FunctionInput) { in.Code.ZipFile = zipB64Raw("hello") }), 400, "InvalidArgument", "code package"},
		{"zip slip", withName("f11", func(in *fc.FunctionInput) {
			in.Code.ZipFile = zipFiles(t, map[string]string{"../evil.js": "x"})
		}), 400, "InvalidArgument", ".."},
		{"absolute path", withName("f12", func(in *fc.FunctionInput) {
			in.Code.ZipFile = zipFiles(t, map[string]string{"/etc/evil": "x"})
		}), 400, "InvalidArgument", "/etc/evil"},
		{"zip bomb", withName("f13", func(in *fc.FunctionInput) {
			in.Code.ZipFile = zipFiles(t, map[string]string{"bomb.txt": strings.Repeat("0", 50<<20)})
		}), 400, "InvalidArgument", "bomb.txt"},
		{"checksum mismatch", withName("f14", func(in *fc.FunctionInput) { in.Code.Checksum = "12345" }), 400, "InvalidArgument", "checksum"},
		{"oss code", withName("f15", func(in *fc.FunctionInput) { in.Code = &fc.InputCodeLocation{OSSBucketName: "b", OSSObjectName: "o"} }), 400, "InvalidArgument", "zipFile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateFunction(ctx, tc.in)
			assertAPIError(t, err, tc.status, tc.code, tc.msg)
		})
	}
	list, err := c.ListFunctions(ctx, client.ListOptions{})
	if err != nil || len(list.Functions) != 0 {
		t.Fatalf("after rejected creates: got %v, %v; want no functions", list, err)
	}

	if _, err := c.CreateFunction(ctx, fn("dup", "nodejs20", "index.handler", good)); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateFunction(ctx, fn("dup", "nodejs20", "index.handler", good))
	assertAPIError(t, err, 409, "FunctionAlreadyExists", "dup")
	_, err = c.UpdateFunction(ctx, "dup", &fc.FunctionInput{MemorySize: ptr(129)})
	assertAPIError(t, err, 400, "InvalidArgument", "memorySize")
	if f, err := c.GetFunction(ctx, "dup", ""); err != nil || f.MemorySize != 512 {
		t.Errorf("after a rejected update: got %+v, %v; want memorySize unchanged at 512", f, err)
	}
	_, err = c.GetFunction(ctx, "nope", "")
	assertAPIError(t, err, 404, "FunctionNotFound", "nope")
	_, err = c.Invoke(ctx, "nope", client.InvokeOptions{})
	assertAPIError(t, err, 404, "FunctionNotFound", "nope")
	_, err = c.Invoke(ctx, "dup", client.InvokeOptions{Body: make([]byte, fc.MaxSyncPayload+1)})
	assertAPIError(t, err, 400, "EntityTooLarge", "payload")
	err = c.Do(ctx, client.Op{Action: "NoSuchThing", Method: "GET", Path: "/no-such-thing"}, nil, nil)
	assertAPIError(t, err, 400, "PathNotSupported", "no-such-thing")
	_, err = c.ListFunctions(ctx, client.ListOptions{Limit: 101})
	assertAPIError(t, err, 400, "InvalidArgument", "limit")

	_, err = client.New(n.Endpoint, "YUNNOSUCHKEY", "x").ListFunctions(ctx, client.ListOptions{})
	assertAPIError(t, err, 403, "InvalidAccessKeyID", "YUNNOSUCHKEY")
	_, err = client.New(n.Endpoint, testAK, "wrong-secret").ListFunctions(ctx, client.ListOptions{})
	assertAPIError(t, err, 403, "SignatureNotMatch", "signature")
}

func assertAPIError(t *testing.T, err error, status int, code, msg string) {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) {
		t.Fatalf("got error %v, want an API error %d %s", err, status, code)
	}
	if ce.Status != status || ce.Code != code || !strings.Contains(ce.Message, msg) || !strings.HasPrefix(ce.RequestID, "1-") {
		t.Errorf("got %d %s %q (request id %q), want %d %s with a message containing %q and a request id",
			ce.Status, ce.Code, ce.Message, ce.RequestID, status, code, msg)
	}
}

func zipB64Raw(s string) string {
	return base64.StdEncoding.EncodeToString([]byte(s))
}
