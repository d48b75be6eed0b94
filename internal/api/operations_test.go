package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// docPath is the generated table of supported operations.
const docPath = "../../docs/api-operations.md"

// TestOperationsDoc keeps docs/api-operations.md in step with the routes.
// Run with YUN_UPDATE_DOCS=1 to rewrite it.
func TestOperationsDoc(t *testing.T) {
	want := operationsDoc(New(Config{}, Deps{}))
	if os.Getenv("YUN_UPDATE_DOCS") != "" {
		if err := os.WriteFile(docPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docPath)
	if err != nil || string(got) != want {
		t.Errorf("%s is out of date (err %v); run YUN_UPDATE_DOCS=1 go test ./internal/api -run TestOperationsDoc", docPath, err)
	}
}

func operationsDoc(s *Server) string {
	var b strings.Builder
	n := 0
	for _, op := range operations {
		if s.supported(op) {
			n++
		}
	}
	fmt.Fprintf(&b, "# FC 3.0 operations in Yun\n\nGenerated from `internal/api/operations.go` by `YUN_UPDATE_DOCS=1 go test ./internal/api -run TestOperationsDoc`.\n\n")
	fmt.Fprintf(&b, "Yun supports %d of FC 3.0's %d operations. The others answer `501 OperationNotSupported` with a message naming the operation.\n\n", n, len(operations))
	b.WriteString("| operation | method | path | in Yun |\n|---|---|---|---|\n")
	for _, op := range operations {
		mark := "not supported"
		if s.supported(op) {
			mark = "supported"
		}
		fmt.Fprintf(&b, "| %s | %s | `%s` | %s |\n", op.Action, op.Method, op.Path, mark)
	}
	return b.String()
}

// TestUnsupportedOperations: every operation without a handler answers FC's
// error JSON, never a bare 404 or 405.
func TestUnsupportedOperations(t *testing.T) {
	s := New(Config{}, Deps{})
	if len(operations) != 69 {
		t.Fatalf("got %d operations, want FC 3.0's 69", len(operations))
	}
	for _, op := range operations {
		if s.supported(op) {
			continue
		}
		t.Run(op.Action, func(t *testing.T) {
			path := wildcardRE.ReplaceAllString(op.Path, "x")
			w := httptest.NewRecorder()
			s.mux.ServeHTTP(w, httptest.NewRequest(op.Method, path, nil))
			var body errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q is not FC error JSON: %v", w.Body, err)
			}
			if w.Code != http.StatusNotImplemented || body.Code != "OperationNotSupported" || !strings.Contains(body.Message, op.Action) {
				t.Errorf("got %d %s %q, want 501 OperationNotSupported naming %s", w.Code, body.Code, body.Message, op.Action)
			}
		})
	}
}
