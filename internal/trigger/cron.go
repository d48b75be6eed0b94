package trigger

import (
	"errors"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // users name time zones; hosts without zoneinfo must know them too

	"github.com/robfig/cron/v3"

	"github.com/yun-fc/yun/internal/fc"
)

// Schedule says when a timer fires: Next returns the first fire strictly
// after t, or the zero time if there is none.
type Schedule interface {
	Next(t time.Time) time.Time
}

var (
	// tzPrefix is CRON_TZ=<zone> (or TZ=<zone>) before the expression.
	tzPrefix = regexp.MustCompile(`^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$`)
	// fields parses FC's six fields: seconds minutes hours day-of-month
	// month day-of-week, plus descriptors such as @daily.
	fields = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	// probe is a fixed time from which every accepted schedule must fire.
	probe = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ParseCron parses a timer trigger's cronExpression as FC writes it:
//
//	cron(0 0 20 * * *)       six fields, seconds first; ? stands for *
//	0 0 20 * * *             the same without cron(…)
//	@every 5m                a fixed interval (Go duration, at least 1s)
//	@daily, @hourly, …       descriptors
//	CRON_TZ=Asia/Shanghai …  any of the above in a time zone (TZ= too)
//
// Fields are read in timeZone when the expression names no zone, and in UTC
// when neither does (FC evaluates cron expressions in UTC). An expression
// that never fires is refused. Errors are *fc.Error InvalidArgument.
func ParseCron(expr, timeZone string) (Schedule, error) {
	spec, zone, err := splitZone(strings.TrimSpace(expr), timeZone)
	if err != nil {
		return nil, err
	}
	loc, err := location(zone)
	if err != nil {
		return nil, invalid(expr, err.Error())
	}
	var sched Schedule
	if rest, ok := strings.CutPrefix(spec, "@every"); ok {
		sched, err = parseEvery(expr, rest)
	} else {
		sched, err = parseFields(expr, spec, loc)
	}
	if err != nil {
		return nil, err
	}
	if sched.Next(probe).IsZero() {
		return nil, invalid(expr, "it never fires")
	}
	return sched, nil
}

// splitZone removes a CRON_TZ= prefix and a cron(…) wrapper.
func splitZone(spec, timeZone string) (string, string, error) {
	if m := tzPrefix.FindStringSubmatch(spec); m != nil {
		if timeZone != "" && timeZone != m[1] {
			return "", "", invalid(spec, "it names time zone "+m[1]+" but the trigger names "+timeZone)
		}
		spec, timeZone = strings.TrimSpace(m[2]), m[1]
	}
	if inner, ok := strings.CutPrefix(spec, "cron("); ok {
		if inner, ok = strings.CutSuffix(inner, ")"); !ok {
			return "", "", invalid(spec, "cron( is not closed")
		}
		spec = strings.TrimSpace(inner)
	}
	if strings.Contains(spec, "TZ=") {
		return "", "", invalid(spec, "a time zone goes first: CRON_TZ=<zone> <expression>")
	}
	return spec, timeZone, nil
}

func location(zone string) (*time.Location, error) {
	if zone == "" {
		return time.UTC, nil
	}
	if zone == "Local" {
		return nil, errLocalZone
	}
	return time.LoadLocation(zone)
}

var errLocalZone = errors.New("time zone Local depends on the host; name a zone such as Asia/Shanghai")

func parseEvery(expr, rest string) (Schedule, error) {
	d, err := time.ParseDuration(strings.TrimSpace(rest))
	if err != nil || rest == "" || rest[0] != ' ' {
		return nil, invalid(expr, "want @every <duration>, such as @every 5m")
	}
	if d < time.Second {
		return nil, invalid(expr, "the interval must be at least 1s")
	}
	return cron.Every(d), nil
}

func parseFields(expr, spec string, loc *time.Location) (Schedule, error) {
	if !strings.HasPrefix(spec, "@") && len(strings.Fields(spec)) != 6 {
		return nil, invalid(expr, "want six fields: seconds minutes hours day-of-month month day-of-week")
	}
	s, err := fields.Parse(spec)
	if err != nil {
		return nil, invalid(expr, err.Error())
	}
	if ss, ok := s.(*cron.SpecSchedule); ok {
		return fc.InZone(ss, loc), nil
	}
	return s, nil
}

func invalid(expr, why string) error {
	return fc.InvalidArgument("cronExpression %q is invalid: %s", expr, why)
}
