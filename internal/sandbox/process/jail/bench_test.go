package jail

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkJailStart measures a jail from Command to the end of its
// program (/bin/true): the namespaces, the root, the change of user and the
// program's start and exit, with and without the program's user namespace,
// and reports the median and 99th percentile:
//
//	go test -run '^$' -bench BenchmarkJailStart -benchtime 200x ./internal/sandbox/process/jail
func BenchmarkJailStart(b *testing.B) {
	h, err := Probe(b.TempDir())
	if err != nil {
		b.Skipf("no jails here: %v", err)
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			if ok, why := h.UserNamespaces(); m.userNS && !ok {
				b.Skipf("no user namespaces here: %v", why)
			}
			var samples []time.Duration
			for b.Loop() {
				start := time.Now()
				if out, err := runJail(b, h, m.userNS, "/bin/true"); err != nil {
					b.Fatalf("run: %v: %s", err, out)
				}
				samples = append(samples, time.Since(start))
			}
			reportPercentiles(b, samples)
		})
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
