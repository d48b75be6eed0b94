package process_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// TestExamples runs the README's examples on this engine.
func TestExamples(t *testing.T) {
	e, err := process.New(process.Config{RunDir: t.TempDir()})
	if err != nil {
		t.Fatalf("New = %v", err)
	}
	tests := []struct{ dir, runtime string }{
		{"hello-node", "nodejs20"},
		{"hello-python", "python3"},
		{"hello-custom", "custom.debian12"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			if !slices.Contains(e.Runtimes(), tt.runtime) {
				t.Skipf("this host cannot run %s", tt.runtime)
			}
			code, _ := filepath.Abs(filepath.Join("..", "..", "..", "examples", tt.dir))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			inst, err := e.Start(ctx, &sandbox.Spec{Runtime: tt.runtime, Handler: "index.handler", CodeDir: code,
				Function: tt.dir, MemoryMB: 128, Timeout: 30 * time.Second})
			if err != nil {
				t.Fatalf("Start = %v", err)
			}
			defer inst.Stop(ctx)
			for _, c := range []struct{ event, want string }{
				{`{"name":"Yun"}`, "Hello, Yun!"},
				{"", "Hello, world!"},
				{"[1]", "Hello, world!"},
			} {
				res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "req-example", Body: []byte(c.event)})
				if err != nil || res.ErrorType != "" || string(res.Body) != c.want {
					t.Errorf("Invoke(%q) = %+v, %v; want body %q", c.event, res, err, c.want)
				}
			}
		})
	}
}
