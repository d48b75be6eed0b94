package wasm

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// BenchmarkColdStart measures what a cold start costs the engine with a
// warm compilation cache: Start of a new instance of examples/hello-wasm
// and its first Invoke, then Stop (not timed). It reports the median and
// the 99th percentile of Start+Invoke.
//
//	go test -run '^$' -bench ColdStart -benchtime 200x ./internal/sandbox/wasm
func BenchmarkColdStart(b *testing.B) {
	hello, _ := guestDirs(b)
	eng := newEngine(b, Config{})
	ctx := context.Background()
	warm, err := eng.Start(ctx, testSpec(hello)) // compiles once
	if err != nil {
		b.Fatal(err)
	}
	defer warm.Stop(ctx)
	inv := &sandbox.Invocation{RequestID: "bench", Body: []byte(`{"name":"bench"}`)}
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		inst, err := eng.Start(ctx, testSpec(hello))
		if err != nil {
			b.Fatal(err)
		}
		res, err := inst.Invoke(ctx, inv)
		took = append(took, time.Since(t0))
		if err != nil || res.ErrorType != "" {
			b.Fatalf("Invoke = %v, %s", err, res.Body)
		}
		b.StopTimer()
		inst.Stop(ctx)
		b.StartTimer()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
