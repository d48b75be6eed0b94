package provision

import (
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// lookback bounds the search for a schedule's last firing when its window
// has no start: five years, as far as the cron library looks ahead, covers
// every yearly expression including 29 February.
const lookback = 5 * 366 * 24 * time.Hour

// lastFire returns the last time at or before now, inside w, at which s
// fired, or the zero time. Schedules only look forward (Next), so it
// searches by bisection for the latest point whose next firing is still at
// or before the end: O(log(span/1s)) calls of Next.
func lastFire(s *fc.Schedule, w fc.Window, now time.Time) time.Time {
	end := now
	if !w.End.IsZero() && w.End.Before(end) {
		end = w.End
	}
	from := now.Add(-lookback)
	if !w.Start.IsZero() && w.Start.After(from) {
		from = w.Start
	}
	lo := from.Add(-time.Second) // Next(lo) is the first firing at or after from
	if !firesBy(s, lo, end) {
		return time.Time{}
	}
	hi := end // Next(hi) is after end
	// Invariant: Next(lo) <= end < Next(hi). Firings fall on whole
	// seconds, so once hi-lo <= 1s, Next(lo) is the last one.
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if firesBy(s, mid, end) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return s.Next(lo)
}

// firesBy reports whether s fires after t and at or before end.
func firesBy(s *fc.Schedule, t, end time.Time) bool {
	n := s.Next(t)
	return !n.IsZero() && !n.After(end)
}
