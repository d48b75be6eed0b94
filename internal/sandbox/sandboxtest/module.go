package sandboxtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// Module describes the functions of an engine that runs none of the
// suite's languages, WebAssembly's: CodeDir holds one program per handler
// name the cases use, each doing what the Node.js function's handler of
// that name does in testdata/node/index.js:
//
//	index.echo     answer the event
//	index.context  answer the FC context as JSON (requestId, functionName, …)
//	index.logs     log "log line", "warn line", "… [ERROR] error line" and
//	               "… <request id> [INFO] logger line"; answer "logged"
//	index.tagged   log "tag-<event> one" and "tag-<event> two"; answer the event
//	index.sleep    sleep for the event's milliseconds
type Module struct {
	Runtime string
	CodeDir string
	// FreshPerInvocation says that every invocation runs afresh (a WASI
	// command per call): a time-out or a caller's cancellation leaves the
	// instance usable, so its Result is not Broken and Done stays open.
	FreshPerInvocation bool
}

// RunModule runs the cases of the engine contract that do not depend on
// a language runtime against m's functions.
func RunModule(t *testing.T, newEngine func(t *testing.T) sandbox.Engine, m Module) {
	t.Run("Runtimes", func(t *testing.T) { testRuntimes(t, newEngine(t)) })
	s := &suite{eng: newEngine(t), runtime: m.Runtime, dir: m.CodeDir}
	cases := []testCase{
		{"Echo", testEcho},
		{"Context", testContext},
		{"Logs", testLogs},
		{"ConcurrentLogs", testConcurrentLogs},
		{"InvokeAfterStop", testInvokeAfterStop},
		{"Timeout", func(t *testing.T, s *suite) { testModuleTimeout(t, s, m.FreshPerInvocation) }},
		{"CallerCancels", func(t *testing.T, s *suite) { testModuleCancel(t, s, m.FreshPerInvocation) }},
		{"CancelledBeforeSent", testCancelledBeforeSent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, s)
		})
	}
}

// testModuleTimeout: FC's time-out body; an engine that runs invocations
// afresh serves the next one with the same instance.
func testModuleTimeout(t *testing.T, s *suite, fresh bool) {
	spec := s.spec("index.sleep")
	spec.Timeout = time.Second
	inst := start(t, s.eng, spec)
	res, _ := invoke(t, inst, "30000")
	wantFailure(t, res, !fresh)
	if want := `{"errorMessage":"Function timed out after 1 seconds"}`; string(res.Body) != want {
		t.Errorf("got body %s, want %s", res.Body, want)
	}
	if !fresh {
		waitDone(t, inst)
		return
	}
	res, _ = invoke(t, inst, "0")
	wantOK(t, res, "")
}

// testModuleCancel: the caller stops waiting and gets ctx's error; Broken
// unless the engine runs invocations afresh.
func testModuleCancel(t *testing.T, s *suite, fresh bool) {
	inst := start(t, s.eng, s.spec("index.sleep"))
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(200*time.Millisecond, cancel)
	defer timer.Stop()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: requestID(), Body: []byte("30000")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Invoke with a cancelled ctx = %v, want context.Canceled", err)
	}
	if res == nil || res.Broken == fresh {
		t.Errorf("got Result %+v, want one with Broken %v", res, !fresh)
	}
	if fresh {
		res, _ := invoke(t, inst, "0")
		wantOK(t, res, "")
	}
}
