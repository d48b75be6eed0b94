// Package sandboxtest is the conformance suite of sandbox engines. Run starts
// real instances of the functions in testdata (Node.js, Python and a custom
// runtime) and checks what every engine owes the scheduler: results and FC's
// error bodies, Broken flags, logs framed by the FC Invoke Start/End markers
// and attributed to the right one of several concurrent invocations,
// lifecycle hooks, time-outs, crashes, cancellation and a clean Stop.
//
// A language's cases run when the engine lists one of its runtimes; an
// engine lists only what its host can run. The custom runtime's test server
// is written in Python, so the custom cases also need python3 on the
// instances' PATH. Nothing here asserts timing: waits are generous deadlines.
//
// RunIsolation adds what an isolating engine owes (isolation.go): the probe
// functions must find the host's files, processes, network and ports out of
// reach, only /tmp writable and /tmp bounded by diskSize.
package sandboxtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// Deadlines for real things to happen on a slow, shared machine.
const (
	startDeadline = 60 * time.Second
	eventually    = 10 * time.Second
)

// Run runs the suite against the engines newEngine makes; it is called once
// per group of cases, so each group may get a fresh engine.
func Run(t *testing.T, newEngine func(t *testing.T) sandbox.Engine) {
	root := materialise(t)
	t.Run("Runtimes", func(t *testing.T) { testRuntimes(t, newEngine(t)) })
	for _, lang := range languages() {
		t.Run(lang.name, func(t *testing.T) {
			eng := newEngine(t)
			rt := pickRuntime(eng.Runtimes(), lang.prefix)
			if rt == "" {
				t.Skipf("the engine offers no %s runtime (it has %v)", lang.name, eng.Runtimes())
			}
			s := &suite{eng: eng, runtime: rt, root: root, dir: filepath.Join(root, lang.dir), lang: lang}
			for _, c := range append(commonCases(), lang.cases...) {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, s)
				})
			}
		})
	}
	t.Run("custom", func(t *testing.T) { runCustom(t, newEngine(t), root) })
}

// testCase is one named check against a running engine.
type testCase struct {
	name string
	run  func(t *testing.T, s *suite)
}

// suite is the state a group of cases shares.
type suite struct {
	eng     sandbox.Engine
	runtime string
	root    string // the materialised testdata
	dir     string // code dir of the group's main function
	lang    *language
}

// spec describes an instance of the group's function with handler.
func (s *suite) spec(handler string) *sandbox.Spec {
	return &sandbox.Spec{
		AccountID: "1234567890",
		Region:    "cn-conformance",
		Function:  "conformance",
		Qualifier: "LATEST",
		VersionID: "1",
		Runtime:   s.runtime,
		Handler:   handler,
		CodeDir:   s.dir,
		Env:       map[string]string{"USER_VAR": "user value"},
		MemoryMB:  128,
		Timeout:   30 * time.Second,
		Logs:      &logBuffer{},
	}
}

// start starts spec and stops the instance when the test ends.
func start(t *testing.T, eng sandbox.Engine, spec *sandbox.Spec) sandbox.Instance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startDeadline)
	defer cancel()
	inst, err := eng.Start(ctx, spec)
	if err != nil {
		t.Fatalf("Start(%s %s): %v%s", spec.Runtime, spec.Handler, err, initLog(err))
	}
	t.Cleanup(func() { stop(t, inst) })
	return inst
}

// startFails starts spec, which must fail with an *InitError.
func startFails(t *testing.T, eng sandbox.Engine, spec *sandbox.Spec) *sandbox.InitError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startDeadline)
	defer cancel()
	inst, err := eng.Start(ctx, spec)
	if err == nil {
		stop(t, inst)
		t.Fatalf("Start(%s %s) succeeded, want an *InitError", spec.Runtime, spec.Handler)
	}
	var ie *sandbox.InitError
	if !errors.As(err, &ie) {
		t.Fatalf("Start(%s %s) = %v (%T), want an *InitError", spec.Runtime, spec.Handler, err, err)
	}
	return ie
}

func stop(t *testing.T, inst sandbox.Instance) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startDeadline)
	defer cancel()
	if err := inst.Stop(ctx); err != nil {
		t.Errorf("Stop(%s) = %v, want nil", inst.ID(), err)
	}
}

// invoke sends body with a fresh request id and fails the test on an error.
func invoke(t *testing.T, inst sandbox.Instance, body string) (*sandbox.Result, string) {
	t.Helper()
	res, id, err := tryInvoke(inst, body)
	if err != nil {
		t.Fatalf("Invoke(%q) error = %v, want nil", clip(body), err)
	}
	return res, id
}

// tryInvoke sends body with a fresh request id, asking for its log.
func tryInvoke(inst sandbox.Instance, body string) (*sandbox.Result, string, error) {
	id := requestID()
	ctx, cancel := context.WithTimeout(context.Background(), startDeadline)
	defer cancel()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: id, Body: []byte(body), WantLog: true})
	return res, id, err
}

// wantOK fails unless res is a success with body want.
func wantOK(t *testing.T, res *sandbox.Result, want string) {
	t.Helper()
	if res.ErrorType != "" || res.Broken || string(res.Body) != want {
		t.Fatalf("got ErrorType %q Broken %v body %q, want a success with body %q\nlog:\n%s",
			res.ErrorType, res.Broken, clip(string(res.Body)), clip(want), res.Log)
	}
}

// waitDone fails unless inst's Done closes soon.
func waitDone(t *testing.T, inst sandbox.Instance) {
	t.Helper()
	select {
	case <-inst.Done():
	case <-time.After(eventually):
		t.Fatalf("Done() of %s did not close within %v", inst.ID(), eventually)
	}
}

func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return "req-" + hex.EncodeToString(b[:])
}

func initLog(err error) string {
	var ie *sandbox.InitError
	if errors.As(err, &ie) {
		return "\nbody: " + string(ie.Body) + "\nlog:\n" + string(ie.Log)
	}
	return ""
}

func pickRuntime(runtimes []string, prefix string) string {
	for _, r := range runtimes {
		if strings.HasPrefix(r, prefix) {
			return r
		}
	}
	return ""
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// testRuntimes checks the runtime list and the refusal of others.
func testRuntimes(t *testing.T, eng sandbox.Engine) {
	runtimes := eng.Runtimes()
	if len(runtimes) == 0 {
		t.Fatalf("Runtimes() is empty, want at least the custom runtimes")
	}
	for _, name := range []string{"java8", "no-such-runtime"} {
		ctx, cancel := context.WithTimeout(context.Background(), startDeadline)
		inst, err := eng.Start(ctx, &sandbox.Spec{Runtime: name, Handler: "index.handler", CodeDir: t.TempDir()})
		cancel()
		var ie *sandbox.InitError
		switch {
		case err == nil:
			stop(t, inst)
			t.Errorf("Start(runtime %q) succeeded, want an error", name)
		case errors.As(err, &ie):
			t.Errorf("Start(runtime %q) = InitError %v, want a plain error (not the user's code)", name, err)
		case !strings.Contains(err.Error(), runtimes[0]):
			t.Errorf("Start(runtime %q) = %q, want it to list the available runtimes", name, err)
		}
	}
}
