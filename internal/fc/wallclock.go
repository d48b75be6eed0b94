package fc

import (
	"time"

	"github.com/robfig/cron/v3"
)

// InZone returns spec read in loc, with daylight saving handled as cron does:
// a schedule that fires in every hour runs in real time (the hour the
// fall-back repeats runs twice, the one the spring-forward skips never); a
// schedule of fixed hours runs on the zone's wall clock, so a time the
// fall-back repeats fires once (at its first occurrence) and a time the
// spring-forward skips fires once, shifted by the gap (02:30 → 03:30).
// Timer triggers and provisioned scheduledActions read crons this way.
func InZone(spec *cron.SpecSchedule, loc *time.Location) cron.Schedule {
	if loc == nil {
		loc = time.UTC
	}
	if loc == time.UTC || spec.Hour&allHours == allHours {
		spec.Location = loc
		return spec
	}
	spec.Location = time.UTC
	return wallClock{spec: spec, loc: loc}
}

// allHours are the hour bits of a SpecSchedule that fires in every hour.
const allHours = 1<<24 - 1

// wallClock runs spec, whose Location is UTC, on loc's wall-clock times
// labelled UTC.
type wallClock struct {
	spec *cron.SpecSchedule
	loc  *time.Location
}

func (w wallClock) Next(t time.Time) time.Time {
	wall := asUTC(t.In(w.loc))
	// Each step is a later wall time; only a zone's clocks going back make
	// one land before t (t in the repeated hour: those wall times fired in
	// its first pass), for at most the length of the jump, which no zone
	// makes longer than a few hours. A dense schedule takes many steps
	// through it, so the bound is in wall time, not steps.
	limit := wall.Add(6 * time.Hour)
	for !wall.After(limit) {
		wall = w.spec.Next(wall)
		if wall.IsZero() {
			return time.Time{}
		}
		if n := w.instant(wall); n.After(t) {
			return n
		}
	}
	return time.Time{}
}

// instant is the time whose wall clock in w.loc is wall (labelled UTC); a
// wall time the zone skips is taken with the offset before the gap.
func (w wallClock) instant(wall time.Time) time.Time {
	n := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, w.loc)
	if asUTC(n.In(w.loc)).Equal(wall) {
		return n // for a repeated wall time, time.Date's choice: one of the two
	}
	_, before := n.Add(-3 * time.Hour).Zone()
	return wall.Add(-time.Duration(before) * time.Second)
}

// asUTC is t's wall clock labelled UTC.
func asUTC(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
