package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Ms prints a duration in milliseconds with one decimal: "52.3".
func Ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// Us prints a duration in whole microseconds: "143".
func Us(d time.Duration) string { return fmt.Sprintf("%d", d.Microseconds()) }

// Codes prints error counts by code, "-" for none: "ResourceThrottled 3, timeout 1".
func Codes(counts map[string]int) string {
	if len(counts) == 0 {
		return "-"
	}
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", code, counts[code]))
	}
	return strings.Join(parts, ", ")
}

// Count prints a count that may be unknown (negative): "n/a".
func Count(n int) string {
	if n < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d", n)
}

// YesNo prints a target's verdict.
func YesNo(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}
