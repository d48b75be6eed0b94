package stats

import (
	"math"
	"slices"
	"time"
)

// Percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// values sorted ascending; 0 when there are none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Summary holds the percentiles of a set of durations.
type Summary struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

// Summarize computes the Summary of values without changing them.
func Summarize(values []time.Duration) Summary {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	s := Summary{N: len(sorted), P50: Percentile(sorted, 50), P95: Percentile(sorted, 95), P99: Percentile(sorted, 99)}
	if len(sorted) > 0 {
		s.Max = sorted[len(sorted)-1]
	}
	return s
}

// Median is the median of xs (the mean of the middle two for an even
// count); 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 0 {
		return (sorted[mid-1] + sorted[mid]) / 2
	}
	return sorted[mid]
}
