package trigger

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// from is a Saturday, 2024-06-01 10:00:00.5 UTC.
var from = time.Date(2024, 6, 1, 10, 0, 0, 5e8, time.UTC)

func TestParseCron(t *testing.T) {
	tests := []struct {
		name, expr, zone string
		want             []time.Time // the next fires after from, in order
	}{
		{"FC cron() form", "cron(0 0 20 * * *)", "",
			[]time.Time{utc(2024, 6, 1, 20, 0, 0), utc(2024, 6, 2, 20, 0, 0)}},
		{"bare six fields", "0 0 20 * * *", "", []time.Time{utc(2024, 6, 1, 20, 0, 0)}},
		{"seconds field", "*/15 * * * * *", "", []time.Time{utc(2024, 6, 1, 10, 0, 15), utc(2024, 6, 1, 10, 0, 30)}},
		{"every second", "* * * * * *", "", []time.Time{utc(2024, 6, 1, 10, 0, 1), utc(2024, 6, 1, 10, 0, 2)}},
		{"question mark and day names", "0 30 9 ? * MON-FRI", "", []time.Time{utc(2024, 6, 3, 9, 30, 0)}},
		{"@every", "@every 5m", "", []time.Time{utc(2024, 6, 1, 10, 5, 0), utc(2024, 6, 1, 10, 10, 0)}},
		{"@every one second", "@every 1s", "", []time.Time{utc(2024, 6, 1, 10, 0, 1)}},
		{"@every compound", "@every 1h30m", "", []time.Time{utc(2024, 6, 1, 11, 30, 0)}},
		{"descriptor", "@daily", "", []time.Time{utc(2024, 6, 2, 0, 0, 0)}},
		{"CRON_TZ prefix", "CRON_TZ=Asia/Shanghai cron(0 0 8 * * *)", "", []time.Time{utc(2024, 6, 2, 0, 0, 0)}},
		{"TZ prefix on bare fields", "TZ=Asia/Shanghai 0 0 8 * * *", "", []time.Time{utc(2024, 6, 2, 0, 0, 0)}},
		{"zone given apart", "0 0 8 * * *", "Asia/Shanghai", []time.Time{utc(2024, 6, 2, 0, 0, 0)}},
		{"same zone both ways", "CRON_TZ=Asia/Shanghai 0 0 8 * * *", "Asia/Shanghai", []time.Time{utc(2024, 6, 2, 0, 0, 0)}},
		{"spaces around", "  cron( 0 0 20 * * * )  ", "", []time.Time{utc(2024, 6, 1, 20, 0, 0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseCron(tc.expr, tc.zone)
			if err != nil {
				t.Fatalf("ParseCron(%q, %q): %v", tc.expr, tc.zone, err)
			}
			at := from
			for i, want := range tc.want {
				at = s.Next(at)
				if !at.Equal(want) {
					t.Fatalf("fire %d: got %v, want %v", i+1, at.UTC(), want)
				}
			}
		})
	}
}

func utc(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

func TestParseCronRefusals(t *testing.T) {
	tests := []struct {
		name, expr, zone, mention string
	}{
		{"five fields", "0 20 * * *", "", "six fields"},
		{"seven fields", "0 0 20 * * * 2024", "", "six fields"},
		{"unclosed cron(", "cron(0 0 20 * * *", "", "not closed"},
		{"minute 60", "0 60 * * * *", "", "above maximum"},
		{"never fires", "0 0 0 30 2 *", "", "never fires"},
		{"@every below a second", "@every 500ms", "", "at least 1s"},
		{"@every zero", "@every 0s", "", "at least 1s"},
		{"@every negative", "@every -5m", "", "at least 1s"},
		{"@every without a duration", "@every", "", "@every <duration>"},
		{"@every glued", "@every5m", "", "@every <duration>"},
		{"unknown zone", "CRON_TZ=Mars/Olympus 0 0 8 * * *", "", "Mars/Olympus"},
		{"host zone", "0 0 8 * * *", "Local", "Local"},
		{"conflicting zones", "CRON_TZ=Asia/Shanghai 0 0 8 * * *", "Europe/Paris", "Europe/Paris"},
		{"zone without expression", "TZ=UTC", "", "time zone goes first"},
		{"zone inside cron()", "cron(TZ=UTC 0 0 8 * * *)", "", "time zone goes first"},
		{"empty", "", "", "six fields"},
		{"unknown descriptor", "@fortnightly", "", "fortnightly"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCron(tc.expr, tc.zone)
			e, ok := fc.AsError(err)
			if !ok || e.Status != http.StatusBadRequest || e.Code != fc.CodeInvalidArgument {
				t.Fatalf("got %v, want a 400 InvalidArgument", err)
			}
			if !strings.Contains(e.Message, tc.mention) {
				t.Errorf("got %q, want it to mention %q", e.Message, tc.mention)
			}
		})
	}
}

func TestValidateConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  fc.TimerTriggerConfig
		ok   bool
	}{
		{"valid", fc.TimerTriggerConfig{CronExpression: "@every 1m", Payload: "p", Enable: true}, true},
		{"payload that fits", fc.TimerTriggerConfig{CronExpression: "@every 1m", Payload: strings.Repeat("x", maxPayload)}, true},
		{"payload too big", fc.TimerTriggerConfig{CronExpression: "@every 1m", Payload: strings.Repeat("x", maxPayload+1)}, false},
		{"bad expression", fc.TimerTriggerConfig{CronExpression: "every minute"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := ValidateConfig(&tc.cfg); (err == nil) != tc.ok {
				t.Errorf("got %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// FuzzParseCron: no input panics, and an accepted schedule moves forward.
func FuzzParseCron(f *testing.F) {
	for _, seed := range []string{"cron(0 0 20 * * *)", "0 0 20 * * *", "@every 5m", "CRON_TZ=Asia/Shanghai cron(0 0 8 * * *)",
		"TZ=UTC", "*/0 * * * * *", "1-2/3,4 5-6 7 ? JAN-DEC SUN", "@daily", "cron()", "@every 1h1m1s", "60-1 * * * * *"} {
		f.Add(seed, "")
	}
	f.Add("0 0 8 * * *", "Asia/Shanghai")
	f.Fuzz(func(t *testing.T, expr, zone string) {
		s, err := ParseCron(expr, zone)
		if err != nil {
			if _, ok := fc.AsError(err); !ok {
				t.Fatalf("ParseCron(%q, %q): got a %T, want an *fc.Error", expr, zone, err)
			}
			return
		}
		next := s.Next(from)
		if next.IsZero() || !next.After(from) {
			t.Fatalf("ParseCron(%q, %q): next fire %v is not after %v", expr, zone, next, from)
		}
		if again := s.Next(from); !again.Equal(next) {
			t.Fatalf("ParseCron(%q, %q): Next is not deterministic: %v then %v", expr, zone, next, again)
		}
	})
}

// TestParseCronDaylightSaving: in a zone with daylight saving, a fixed-time
// schedule fires once on the day the clocks fall back (the time repeats) and
// once, shifted by the gap, on the day they spring forward (the time does not
// exist); an every-hour schedule keeps firing every real hour.
func TestParseCronDaylightSaving(t *testing.T) {
	tests := []struct {
		name, expr string
		after      time.Time
		want       []time.Time
	}{
		{"fall back: 01:30 repeats, fires once", "CRON_TZ=America/New_York 0 30 1 * * *", utc(2024, 11, 2, 12, 0, 0),
			[]time.Time{utc(2024, 11, 3, 5, 30, 0), utc(2024, 11, 4, 6, 30, 0)}},
		{"fall back: from within the repeated hour", "CRON_TZ=America/New_York 0 30 1 * * *", utc(2024, 11, 3, 6, 10, 0),
			[]time.Time{utc(2024, 11, 4, 6, 30, 0)}},
		{"spring forward: 02:30 does not exist, fires at 03:30", "CRON_TZ=America/New_York 0 30 2 * * *", utc(2024, 3, 9, 12, 0, 0),
			[]time.Time{utc(2024, 3, 10, 7, 30, 0), utc(2024, 3, 11, 6, 30, 0)}},
		{"an ordinary day in the zone", "CRON_TZ=America/New_York 0 0 9 * * MON-FRI", utc(2024, 6, 1, 0, 0, 0),
			[]time.Time{utc(2024, 6, 3, 13, 0, 0)}},
		{"every hour keeps real hours through the fall back", "CRON_TZ=America/New_York 0 0 * * * *", utc(2024, 11, 3, 4, 30, 0),
			[]time.Time{utc(2024, 11, 3, 5, 0, 0), utc(2024, 11, 3, 6, 0, 0), utc(2024, 11, 3, 7, 0, 0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseCron(tc.expr, "")
			if err != nil {
				t.Fatal(err)
			}
			at := tc.after
			for i, want := range tc.want {
				at = s.Next(at)
				if !at.Equal(want) {
					t.Fatalf("fire %d: got %v, want %v", i+1, at.UTC(), want)
				}
			}
		})
	}
}

// TestNextFromTheRepeatedHour: a dense fixed-hour schedule asked for its
// next fire from the second pass of the hour the fall-back repeats (on Add,
// Update, a restart or a late wake-up) skips the wall times that fired in
// the first pass, however many, and fires at the first one after: it must
// not give up and stop the timer.
func TestNextFromTheRepeatedHour(t *testing.T) {
	sched, err := ParseCron("CRON_TZ=America/New_York */2 * 1-2 * * *", "")
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	// 2025-11-02: the clocks fell back from 02:00 EDT to 01:00 EST.
	second := time.Date(2025, 11, 2, 6, 10, 0, 0, time.UTC) // 01:10 EST, the second pass
	if _, off := second.In(loc).Zone(); off != -5*3600 || second.In(loc).Hour() != 1 {
		t.Fatalf("fixture: %v is not in the second pass of 01:00", second.In(loc))
	}
	want := time.Date(2025, 11, 2, 2, 0, 0, 0, loc) // 02:00 EST, the first wall time not yet fired
	if got := sched.Next(second); !got.Equal(want) {
		t.Errorf("Next(%v) = %v, want %v", second.In(loc), got.In(loc), want)
	}
}
