// Package stats turns request samples into the figures the reports quote:
// nearest-rank percentiles, per-second series and medians of rounds.
//
// Percentiles are nearest-rank (the smallest value with at least p% of the
// values at or below it), so every figure is a latency that was measured.
package stats
