package async

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingInvoker succeeds at once and counts its calls.
type countingInvoker struct{ n atomic.Int64 }

func (c *countingInvoker) Invoke(context.Context, *Call) (*Outcome, error) {
	c.n.Add(1)
	return &Outcome{Body: []byte("ok")}, nil
}

func benchService(b *testing.B, syncAlways bool) *Service {
	cfg := Config{StoreDir: b.TempDir(), SyncAlways: syncAlways}
	s, err := New(cfg, &countingInvoker{}, &fakeConfigs{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// BenchmarkSubmit measures accepted Submits (durable before they return),
// one caller at a time and many at once.
func BenchmarkSubmit(b *testing.B) {
	payload := []byte(`{"hello":"world"}`)
	for _, syncAlways := range []bool{false, true} {
		b.Run(fmt.Sprintf("serial/SyncAlways=%v", syncAlways), func(b *testing.B) {
			s := benchService(b, syncAlways)
			for b.Loop() {
				if _, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "bench", Payload: payload}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
		})
		b.Run(fmt.Sprintf("parallel/SyncAlways=%v", syncAlways), func(b *testing.B) {
			s := benchService(b, syncAlways)
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "bench", Payload: payload}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
		})
	}
}

// TestDrainRate reports, when YUN_ASYNC_BENCH is set, how fast a backlog of
// invocations is accepted by 16 concurrent callers and then drained through
// a trivial invoker, across 10 functions at the default concurrency.
func TestDrainRate(t *testing.T) {
	if os.Getenv("YUN_ASYNC_BENCH") == "" {
		t.Skip("set YUN_ASYNC_BENCH=1 to measure")
	}
	const total, callers, functions = 5000, 16, 10
	for _, syncAlways := range []bool{false, true} {
		t.Run(fmt.Sprintf("SyncAlways=%v", syncAlways), func(t *testing.T) {
			inv := &countingInvoker{}
			cfg := Config{StoreDir: t.TempDir(), SyncAlways: syncAlways}
			s := newService(t, cfg, inv, &fakeConfigs{}, false)
			start := time.Now()
			var wg sync.WaitGroup
			for c := range callers {
				wg.Go(func() {
					for i := c; i < total; i += callers {
						sub := &Submission{AccountID: testAccount, Function: fmt.Sprintf("f%d", i%functions), Payload: []byte("{}")}
						if _, err := s.Submit(context.Background(), sub); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			accepted := time.Since(start)
			start = time.Now()
			startService(t, s)
			eventually(t, "the backlog to drain", func() (bool, string) {
				info, err := s.stream.Info(context.Background())
				if err != nil {
					return false, err.Error()
				}
				return inv.n.Load() >= total && info.State.Msgs == 0, fmt.Sprintf("%d runs, %d queued", inv.n.Load(), info.State.Msgs)
			})
			drained := time.Since(start)
			t.Logf("%d invocations: accepted in %v (%.0f/s), drained in %v (%.0f/s), %d runs",
				total, accepted.Round(time.Millisecond), total/accepted.Seconds(),
				drained.Round(time.Millisecond), total/drained.Seconds(), inv.n.Load())
		})
	}
}
