package fc

import (
	"testing"
	"time"
)

// TestScheduleDaylightSaving: a scheduledAction's fixed-time cron read in a
// zone with daylight saving fires once on the fall-back day and once,
// shifted by the gap, on the spring-forward day.
func TestScheduleDaylightSaving(t *testing.T) {
	ny, err := LoadTimeZone("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(mo time.Month, d, h, mi int) time.Time { return time.Date(2024, mo, d, h, mi, 0, 0, time.UTC) }
	tests := []struct {
		expr  string
		after time.Time
		want  []time.Time
	}{
		{"cron(0 30 1 * * *)", utc(11, 2, 12, 0), []time.Time{utc(11, 3, 5, 30), utc(11, 4, 6, 30)}},
		{"cron(0 30 2 * * *)", utc(3, 9, 12, 0), []time.Time{utc(3, 10, 7, 30), utc(3, 11, 6, 30)}},
	}
	for _, tc := range tests {
		s, err := ParseSchedule(tc.expr, ny)
		if err != nil {
			t.Fatal(err)
		}
		at := tc.after
		for i, want := range tc.want {
			if at = s.Next(at); !at.Equal(want) {
				t.Errorf("%s fire %d after %v: got %v, want %v", tc.expr, i+1, tc.after, at.UTC(), want)
				break
			}
		}
	}
}
