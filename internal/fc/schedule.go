package fc

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zones such as Asia/Shanghai work on hosts without tzdata

	"github.com/robfig/cron/v3"
)

// cronParser reads FC's six-field cron: seconds minutes hours day-of-month
// month day-of-week, with FC's '?' allowed in the day fields. Descriptors
// such as @every are not FC syntax and are refused.
var cronParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// scheduleTimeLayout is FC's at(...) and startTime/endTime without a zone;
// such times are read in the time zone given alongside.
const scheduleTimeLayout = "2006-01-02T15:04:05"

// Schedule is a parsed scheduleExpression: cron(...) fires at every
// matching second, at(...) once.
type Schedule struct {
	cron cron.Schedule // nil for at(...)
	at   time.Time
}

// ParseSchedule reads "cron(<6 fields>)" or "at(<time>)", with times and
// fields read in loc (UTC if nil).
func ParseSchedule(expr string, loc *time.Location) (*Schedule, error) {
	if loc == nil {
		loc = time.UTC
	}
	if inner, ok := cutCall(expr, "cron"); ok {
		if strings.Contains(inner, "TZ=") {
			return nil, fmt.Errorf("scheduleExpression %q: give the time zone in timeZone, not in the expression", expr)
		}
		sched, err := cronParser.Parse(inner)
		if err != nil {
			return nil, fmt.Errorf("scheduleExpression %q: %v", expr, err)
		}
		if spec, ok := sched.(*cron.SpecSchedule); ok {
			sched = InZone(spec, loc)
		}
		return &Schedule{cron: sched}, nil
	}
	if inner, ok := cutCall(expr, "at"); ok {
		t, err := ParseScheduleTime(inner, loc)
		if err != nil || t.IsZero() {
			return nil, fmt.Errorf("scheduleExpression %q: want at(2006-01-02T15:04:05), optionally with Z or an offset", expr)
		}
		return &Schedule{at: t}, nil
	}
	return nil, fmt.Errorf("scheduleExpression %q: want cron(<sec> <min> <hour> <day> <month> <weekday>) or at(<time>)", expr)
}

// cutCall returns the argument of name(...).
func cutCall(expr, name string) (string, bool) {
	s, ok := strings.CutPrefix(strings.TrimSpace(expr), name+"(")
	if !ok {
		return "", false
	}
	s, ok = strings.CutSuffix(s, ")")
	return strings.TrimSpace(s), ok
}

// Next returns the first time the schedule fires strictly after t, or the
// zero time if it never does again.
func (s *Schedule) Next(t time.Time) time.Time {
	if s.cron != nil {
		return s.cron.Next(t)
	}
	if s.at.After(t) {
		return s.at
	}
	return time.Time{}
}

// ParseScheduleTime reads an FC schedule time: RFC 3339 (with Z or an
// offset), or without a zone, read in loc. The empty string is the zero
// time.
func ParseScheduleTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation(scheduleTimeLayout, s, loc)
	if err != nil {
		return time.Time{}, errors.New("want 2006-01-02T15:04:05Z, an offset, or no zone for the timeZone given")
	}
	return t, nil
}

// LoadTimeZone returns the IANA zone name (e.g. Asia/Shanghai); "" is UTC.
func LoadTimeZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(name)
}
