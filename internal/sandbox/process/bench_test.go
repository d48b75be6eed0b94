package process_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// benchCode writes a one-line echo handler per language.
func benchCode(b *testing.B) string {
	dir := b.TempDir()
	files := map[string]string{
		"index.js": "exports.handler = async (event) => event;\n",
		"index.py": "def handler(event, context):\n    return event\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o444); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func benchEngine(b *testing.B) (*process.Engine, string) {
	e, err := process.New(process.Config{RunDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	return e, benchCode(b)
}

var benchRuntimes = []string{"nodejs20", "python3"}

// BenchmarkStart measures Start to ready (cold start, system side).
func BenchmarkStart(b *testing.B) {
	e, code := benchEngine(b)
	for _, rt := range benchRuntimes {
		b.Run(rt, func(b *testing.B) {
			spec := &sandbox.Spec{Runtime: rt, Handler: "index.handler", CodeDir: code, MemoryMB: 128}
			for b.Loop() {
				inst, err := e.Start(context.Background(), spec)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				inst.Stop(context.Background())
				b.StartTimer()
			}
		})
	}
}

// BenchmarkInvoke measures the warm path: one small event per invocation.
func BenchmarkInvoke(b *testing.B) {
	e, code := benchEngine(b)
	for _, rt := range benchRuntimes {
		b.Run(rt, func(b *testing.B) {
			spec := &sandbox.Spec{Runtime: rt, Handler: "index.handler", CodeDir: code, MemoryMB: 128}
			inst, err := e.Start(context.Background(), spec)
			if err != nil {
				b.Fatal(err)
			}
			defer inst.Stop(context.Background())
			inv := &sandbox.Invocation{RequestID: "bench", Body: []byte(`{"key":"value"}`)}
			b.ReportAllocs()
			for b.Loop() {
				if res, err := inst.Invoke(context.Background(), inv); err != nil || res.ErrorType != "" {
					b.Fatalf("Invoke = %v, %v", res, err)
				}
			}
		})
	}
}
