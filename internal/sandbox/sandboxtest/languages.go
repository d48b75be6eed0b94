package sandboxtest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
)

// language is a built-in runtime family and what differs between them.
type language struct {
	name        string
	prefix      string // of its runtime names
	dir         string // its main function under testdata
	errorType   string // errorType of the "boom" handler's error
	initializer string // an initializer that counts its runs
	checkStack  func(json.RawMessage) error
	cases       []testCase
}

func languages() []*language {
	return []*language{
		{
			name: "nodejs", prefix: "nodejs", dir: "node", errorType: "Error", initializer: "index.init",
			checkStack: nodeStack, cases: nodeCases(),
		},
		{
			name: "python", prefix: "python3", dir: "python", errorType: "ValueError", initializer: "index.init",
			checkStack: pythonStack, cases: pythonCases(),
		},
	}
}

// nodeStack: an array of strings ("at handler (/code/index.js:3:9)").
func nodeStack(raw json.RawMessage) error {
	var frames []string
	if err := json.Unmarshal(raw, &frames); err != nil {
		return err
	}
	if len(frames) == 0 {
		return fmt.Errorf("no frames")
	}
	return nil
}

// pythonStack: an array of [file, line, function, code].
func pythonStack(raw json.RawMessage) error {
	var frames [][]any
	if err := json.Unmarshal(raw, &frames); err != nil {
		return err
	}
	if len(frames) == 0 {
		return fmt.Errorf("no frames")
	}
	for _, f := range frames {
		if len(f) != 4 {
			return fmt.Errorf("frame %v has %d fields, want 4", f, len(f))
		}
	}
	return nil
}

func nodeCases() []testCase {
	return []testCase{
		{"Callback", func(t *testing.T, s *suite) {
			res, _ := invoke(t, start(t, s.eng, s.spec("index.callback")), "")
			wantOK(t, res, `{"ok":true}`)
		}},
		{"CallbackError", func(t *testing.T, s *suite) {
			res, _ := invoke(t, start(t, s.eng, s.spec("index.callbackError")), "")
			if e := wantFailure(t, res, false); e.ErrorMessage != "callback boom" {
				t.Errorf("got errorMessage %q, want %q", e.ErrorMessage, "callback boom")
			}
		}},
		{"CallbackInitializer", func(t *testing.T, s *suite) {
			spec := s.spec("index.initcount")
			spec.Initializer = &sandbox.Hook{Handler: "index.initCallback", Timeout: startDeadline}
			res, _ := invoke(t, start(t, s.eng, spec), "")
			wantOK(t, res, "initialized 1")
		}},
		{"ESMByExtension", func(t *testing.T, s *suite) {
			res, id := invoke(t, start(t, s.eng, s.spec("mjs/index.handler")), "hi")
			wantOK(t, res, "mjs hi "+id)
		}},
		{"ESMByPackageType", func(t *testing.T, s *suite) {
			spec := s.spec("index.handler")
			spec.CodeDir = filepath.Join(s.root, "node-esm")
			res, _ := invoke(t, start(t, s.eng, spec), "hi")
			wantOK(t, res, "esm hi")
		}},
		{"ResultConversion", func(t *testing.T, s *suite) {
			for _, tc := range []struct{ handler, want string }{
				{"index.buffer", "\x00\x01\x02\xff"},
				{"index.nothing", ""},
				{"index.number", "42"},
			} {
				t.Run(tc.handler, func(t *testing.T) {
					res, _ := invoke(t, start(t, s.eng, s.spec(tc.handler)), "")
					wantOK(t, res, tc.want)
				})
			}
		}},
		{"UncaughtException", func(t *testing.T, s *suite) {
			inst := start(t, s.eng, s.spec("index.throwLater"))
			res, _ := invoke(t, inst, "")
			wantFailure(t, res, true)
			waitDone(t, inst)
		}},
	}
}

func pythonCases() []testCase {
	return []testCase{
		{"ResultConversion", func(t *testing.T, s *suite) {
			for _, tc := range []struct{ handler, want string }{
				{"index.mapping", `{"a": 1}`},
				{"index.nothing", ""},
			} {
				t.Run(tc.handler, func(t *testing.T) {
					res, _ := invoke(t, start(t, s.eng, s.spec(tc.handler)), "")
					wantOK(t, res, tc.want)
				})
			}
		}},
		{"HandlerInSubdirectory", func(t *testing.T, s *suite) {
			res, _ := invoke(t, start(t, s.eng, s.spec("sub/mod.handler")), "x")
			wantOK(t, res, "sub x")
		}},
	}
}
