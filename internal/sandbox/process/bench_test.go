package process_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

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

func benchEngine(b *testing.B, isolation string) (*process.Engine, string) {
	e, err := process.New(process.Config{RunDir: b.TempDir(), Isolation: isolation})
	if errors.Is(err, process.ErrIsolationUnavailable) {
		b.Skipf("no sandbox here: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return e, benchCode(b)
}

var benchRuntimes = []string{"nodejs20", "python3"}

// BenchmarkStart measures Start to ready (cold start, system side), with
// and without the sandbox, and reports the median and 99th percentile:
//
//	go test -run '^$' -bench BenchmarkStart -benchtime 50x ./internal/sandbox/process
func BenchmarkStart(b *testing.B) {
	for _, isolation := range []string{process.IsolationSandbox, process.IsolationNone} {
		for _, rt := range benchRuntimes {
			b.Run(isolation+"/"+rt, func(b *testing.B) {
				e, code := benchEngine(b, isolation)
				spec := &sandbox.Spec{Runtime: rt, Handler: "index.handler", CodeDir: code, MemoryMB: 128}
				var samples []time.Duration
				for b.Loop() {
					start := time.Now()
					inst, err := e.Start(context.Background(), spec)
					if err != nil {
						b.Fatal(err)
					}
					samples = append(samples, time.Since(start))
					b.StopTimer()
					inst.Stop(context.Background())
					b.StartTimer()
				}
				reportPercentiles(b, samples)
			})
		}
	}
}

// reportPercentiles reports the median and 99th percentile of samples in ms.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	slices.Sort(samples)
	at := func(q float64) float64 {
		return float64(samples[int(q*float64(len(samples)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkInvoke measures the warm path, one small event per invocation,
// with and without the sandbox.
func BenchmarkInvoke(b *testing.B) {
	for _, isolation := range []string{process.IsolationSandbox, process.IsolationNone} {
		for _, rt := range benchRuntimes {
			b.Run(isolation+"/"+rt, func(b *testing.B) {
				e, code := benchEngine(b, isolation)
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
}
