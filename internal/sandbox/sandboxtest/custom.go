package sandboxtest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
)

// instancePath is the PATH instances get; the custom test server needs
// python3 on it.
const instancePath = "/usr/local/bin:/usr/bin:/bin"

// runCustom runs the custom runtime's cases against testdata/custom, a
// Python HTTP server started by its "bootstrap" script.
func runCustom(t *testing.T, eng sandbox.Engine, root string) {
	rt := pickRuntime(eng.Runtimes(), "custom")
	if rt == "" {
		t.Skipf("the engine offers no custom runtime")
	}
	if !onPath("python3", instancePath) {
		t.Skipf("no python3 on %s for the custom runtime's test server", instancePath)
	}
	s := &suite{eng: eng, runtime: rt, root: root, dir: filepath.Join(root, "custom")}
	for _, c := range customCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, s)
		})
	}
}

func onPath(name, path string) bool {
	for _, dir := range filepath.SplitList(path) {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

func customCases() []testCase {
	return []testCase{
		{"Bootstrap", func(t *testing.T, s *suite) {
			res, _ := invoke(t, start(t, s.eng, s.spec("index.handler")), "hello")
			wantOK(t, res, "hello")
			if res.Status != http.StatusOK || res.Header.Get("X-Custom-Reply") != "yes" {
				t.Errorf("got Status %d Header %v, want 200 and the runtime's X-Custom-Reply", res.Status, res.Header)
			}
		}},
		{"Command", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.Command, spec.Args = []string{"python3"}, []string{"-u", "server.py"}
			res, _ := invoke(t, start(t, s.eng, spec), "hello")
			wantOK(t, res, "hello")
		}},
		{"CodePathCommand", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.Command = []string{"/code/bootstrap"}
			res, _ := invoke(t, start(t, s.eng, spec), "hello")
			wantOK(t, res, "hello")
		}},
		{"Headers", testCustomHeaders},
		{"FailureByStatus", func(t *testing.T, s *suite) {
			res, _ := invoke(t, start(t, s.eng, s.spec("index.handler")), "fail")
			if res.ErrorType != sandbox.ErrorUnhandled || res.Broken || res.Status != http.StatusNotFound || string(res.Body) != "failed" {
				t.Errorf("got ErrorType %q Broken %v Status %d body %q, want %q false 404 %q",
					res.ErrorType, res.Broken, res.Status, res.Body, sandbox.ErrorUnhandled, "failed")
			}
		}},
		{"FailureByHeader", func(t *testing.T, s *suite) {
			res, _ := invoke(t, start(t, s.eng, s.spec("index.handler")), "xfail")
			if res.ErrorType != sandbox.ErrorUnhandled || res.Broken || string(res.Body) != "failed" {
				t.Errorf("got ErrorType %q Broken %v body %q, want %q false %q",
					res.ErrorType, res.Broken, res.Body, sandbox.ErrorUnhandled, "failed")
			}
		}},
		{"Initializer", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.Initializer = &sandbox.Hook{Handler: "index.init", Timeout: startDeadline}
			res, _ := invoke(t, start(t, s.eng, spec), "inited")
			wantOK(t, res, "true")
		}},
		{"InitializerError", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.Initializer = &sandbox.Hook{Handler: "index.init", Timeout: startDeadline}
			spec.Env["INIT_FAIL"] = "1"
			ie := startFails(t, s.eng, spec)
			if e := decodeError(t, ie.Body); !strings.Contains(e.ErrorMessage, "init broke") {
				t.Errorf("got errorMessage %q, want the runtime's answer %q", e.ErrorMessage, "init broke")
			}
		}},
		{"PreStop", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.PreStop = &sandbox.Hook{Handler: "index.prestop", Timeout: startDeadline}
			inst := start(t, s.eng, spec)
			stop(t, inst)
			if log := spec.Logs.(*logBuffer).String(); !strings.Contains(log, "custom prestop ran") {
				t.Errorf("Spec.Logs lacks the GET /pre-stop line; log:\n%s", log)
			}
		}},
		{"Logs", func(t *testing.T, s *suite) {
			res, id := invoke(t, start(t, s.eng, s.spec("index.handler")), "x")
			wantInOrder(t, "Result.Log", string(res.Log), []string{"FC Invoke Start RequestId: " + id,
				"custom got " + id, "FC Invoke End RequestId: " + id, "Duration: "})
		}},
		{"Crash", func(t *testing.T, s *suite) {
			inst := start(t, s.eng, s.spec("index.handler"))
			res, _ := invoke(t, inst, "crash")
			wantFailure(t, res, true)
			waitDone(t, inst)
		}},
		{"StartFailure", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.CodeDir = filepath.Join(s.root, "custom-broken")
			ie := startFails(t, s.eng, spec)
			if !strings.Contains(string(ie.Log), "bad start") {
				t.Errorf("InitError.Log = %q, want the runtime's last lines", ie.Log)
			}
		}},
		{"NoCommand", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.CodeDir = filepath.Join(s.root, "custom-empty")
			ie := startFails(t, s.eng, spec)
			if e := decodeError(t, ie.Body); !strings.Contains(e.ErrorMessage, "bootstrap") {
				t.Errorf("got errorMessage %q, want it to explain the missing bootstrap", e.ErrorMessage)
			}
		}},
	}
}

// testCustomHeaders checks the common x-fc-* headers and the caller's own.
func testCustomHeaders(t *testing.T, s *suite) {
	spec := s.spec("index.handler")
	inst := start(t, s.eng, spec)
	id := requestID()
	ctx, cancel := context.WithTimeout(context.Background(), startDeadline)
	defer cancel()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: id, Body: []byte("headers"),
		Header: http.Header{"X-Fc-Custom": {"custom value"}}})
	if err != nil {
		t.Fatalf("Invoke = %v, want nil", err)
	}
	var got map[string]string
	if err := json.Unmarshal(res.Body, &got); err != nil {
		t.Fatalf("headers answer %q: %v", res.Body, err)
	}
	want := map[string]string{
		"x-fc-request-id": id, "x-fc-function-name": spec.Function, "x-fc-function-handler": spec.Handler,
		"x-fc-function-memory": "128", "x-fc-function-timeout": "30", "x-fc-account-id": spec.AccountID,
		"x-fc-region": spec.Region, "x-fc-qualifier": spec.Qualifier, "x-fc-version-id": spec.VersionID,
		"x-fc-instance-id": inst.ID(), "x-fc-control-path": "/invoke", "x-fc-custom": "custom value",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("header %s = %q, want %q", k, got[k], w)
		}
	}
}
