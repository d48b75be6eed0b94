// Package report writes what a benchmark measured: a Markdown document with
// the machine it ran on and the exact command, and the raw per-request
// samples as CSV.
//
// Reports quote only measured figures; a figure that could not be measured
// is written "n/a" with the reason next to it.
package report
