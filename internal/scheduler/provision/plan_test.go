package provision

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

func ptr[T any](v T) *T { return &v }

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLastFire(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	tests := []struct {
		name  string
		expr  string
		loc   *time.Location
		start string
		end   string
		now   string
		want  string // "" for none
	}{
		{"every second", "cron(* * * * * *)", time.UTC, "", "", "2026-03-01T10:00:00.5Z", "2026-03-01T10:00:00Z"},
		{"daily at 22:00, before today's", "cron(0 0 22 * * *)", time.UTC, "", "", "2026-03-01T21:59:59Z", "2026-02-28T22:00:00Z"},
		{"daily at 22:00, exactly then", "cron(0 0 22 * * *)", time.UTC, "", "", "2026-03-01T22:00:00Z", "2026-03-01T22:00:00Z"},
		{"in the time zone", "cron(0 0 9 * * *)", shanghai, "", "", "2026-03-01T02:00:00Z", "2026-03-01T01:00:00Z"},
		{"weekdays only", "cron(0 0 8 ? * MON-FRI)", time.UTC, "", "", "2026-03-01T12:00:00Z", "2026-02-27T08:00:00Z"}, // a Sunday
		{"yearly", "cron(0 0 0 1 1 *)", time.UTC, "", "", "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z"},
		{"not before the start", "cron(0 0 22 * * *)", time.UTC, "2026-03-01T00:00:00Z", "", "2026-03-01T21:00:00Z", ""},
		{"not after the end", "cron(0 0 22 * * *)", time.UTC, "", "2026-02-20T23:00:00Z", "2026-03-01T23:00:00Z", "2026-02-20T22:00:00Z"},
		{"at, passed", "at(2026-03-01T10:00:00)", time.UTC, "", "", "2026-03-01T10:00:01Z", "2026-03-01T10:00:00Z"},
		{"at, to come", "at(2026-03-01T10:00:00)", time.UTC, "", "", "2026-03-01T09:59:59Z", ""},
		{"at in the time zone", "at(2026-03-01T10:00:00)", shanghai, "", "", "2026-03-01T02:00:00Z", "2026-03-01T02:00:00Z"},
		{"at with Z ignores the zone", "at(2026-03-01T10:00:00Z)", shanghai, "", "", "2026-03-01T09:00:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := fc.ParseSchedule(tt.expr, tt.loc)
			if err != nil {
				t.Fatalf("ParseSchedule: %v", err)
			}
			var w fc.Window
			if tt.start != "" {
				w.Start = utc(tt.start)
			}
			if tt.end != "" {
				w.End = utc(tt.end)
			}
			got := lastFire(s, w, utc(tt.now))
			var want time.Time
			if tt.want != "" {
				want = utc(tt.want)
			}
			if !got.Equal(want) {
				t.Errorf("got %v, want %v", got.UTC(), want)
			}
		})
	}
}

// TestScheduledActionsRaiseTheTargetAtTheirTime is a day of a function
// with a morning peak: one action raises the target at 09:00 Shanghai time,
// another lowers it at 18:00; a one-off action doubles it on launch day.
func TestScheduledActionsRaiseTheTargetAtTheirTime(t *testing.T) {
	plan, err := Compile(&fc.PutProvisionConfigInput{
		Target: ptr(1),
		ScheduledActions: []fc.ScheduledAction{
			{Name: "morning", ScheduleExpression: "cron(0 0 9 * * *)", Target: ptr(10), TimeZone: "Asia/Shanghai"},
			{Name: "evening", ScheduleExpression: "cron(0 0 18 * * *)", Target: ptr(2), TimeZone: "Asia/Shanghai"},
			{Name: "launch", ScheduleExpression: "at(2026-03-02T12:00:00)", Target: ptr(20), TimeZone: "Asia/Shanghai",
				EndTime: "2026-03-03T00:00:00+08:00"},
		},
	})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	steps := []struct {
		at   string // Shanghai time = UTC+8
		want int
	}{
		{"2026-03-01T08:59:59+08:00", 2}, // yesterday's evening action
		{"2026-03-01T09:00:00+08:00", 10},
		{"2026-03-01T17:59:59+08:00", 10},
		{"2026-03-01T18:00:00+08:00", 2},
		{"2026-03-02T09:30:00+08:00", 10},
		{"2026-03-02T12:00:00+08:00", 20}, // the one-off
		{"2026-03-02T18:00:00+08:00", 2},
		{"2026-03-03T10:00:00+08:00", 10},
	}
	for _, s := range steps {
		if got := plan.Target(utc(s.at), Load{}); got != s.want {
			t.Errorf("at %s: got %d, want %d", s.at, got, s.want)
		}
	}
}

func TestBaseTarget(t *testing.T) {
	tests := []struct {
		name string
		in   fc.PutProvisionConfigInput
		want int
	}{
		{"target", fc.PutProvisionConfigInput{Target: ptr(3)}, 3},
		{"defaultTarget wins over target", fc.PutProvisionConfigInput{Target: ptr(3), DefaultTarget: ptr(5)}, 5},
		{"an action outside its window never fired", fc.PutProvisionConfigInput{Target: ptr(3), ScheduledActions: []fc.ScheduledAction{
			{Name: "a", ScheduleExpression: "cron(* * * * * *)", Target: ptr(9), StartTime: "2030-01-01T00:00:00Z"}}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Compile(&tt.in)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := plan.Target(utc("2026-03-01T00:00:00Z"), Load{}); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTargetTracking(t *testing.T) {
	policy := fc.TargetTrackingPolicy{Name: "util", MetricType: fc.MetricProvisionedConcurrencyUtilization,
		MetricTarget: ptr(0.5), MinCapacity: ptr(1), MaxCapacity: ptr(8)}
	windowed := policy
	windowed.StartTime, windowed.EndTime = "2026-03-01T09:00:00Z", "2026-03-01T18:00:00Z"
	tests := []struct {
		name   string
		target int
		policy fc.TargetTrackingPolicy
		now    string
		load   Load
		want   int
	}{
		{"idle: minCapacity", 0, policy, "2026-03-01T10:00:00Z", Load{Slots: 1}, 1},
		{"3 in flight at 50%", 0, policy, "2026-03-01T10:00:00Z", Load{InFlight: 3, Slots: 1}, 6},
		{"fractions round up", 0, policy, "2026-03-01T10:00:00Z", Load{InFlight: 2.2, Slots: 1}, 5},
		{"slots per instance count", 0, policy, "2026-03-01T10:00:00Z", Load{InFlight: 8, Slots: 4}, 4},
		{"capped by maxCapacity", 0, policy, "2026-03-01T10:00:00Z", Load{InFlight: 100, Slots: 1}, 8},
		{"never below the scheduled target", 5, policy, "2026-03-01T10:00:00Z", Load{InFlight: 1, Slots: 1}, 5},
		{"outside its window", 0, windowed, "2026-03-01T20:00:00Z", Load{InFlight: 3, Slots: 1}, 0},
		{"inside its window", 0, windowed, "2026-03-01T12:00:00Z", Load{InFlight: 3, Slots: 1}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Compile(&fc.PutProvisionConfigInput{Target: ptr(tt.target),
				TargetTrackingPolicies: []fc.TargetTrackingPolicy{tt.policy}})
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := plan.Target(utc(tt.now), tt.load); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestCompileRejectsBadConfigs(t *testing.T) {
	action := func(expr string) fc.PutProvisionConfigInput {
		return fc.PutProvisionConfigInput{Target: ptr(1), ScheduledActions: []fc.ScheduledAction{
			{Name: "a", ScheduleExpression: expr, Target: ptr(1)}}}
	}
	tests := []struct {
		name    string
		in      fc.PutProvisionConfigInput
		wantErr string
	}{
		{"no target", fc.PutProvisionConfigInput{}, "target is required"},
		{"target too large", fc.PutProvisionConfigInput{Target: ptr(10001)}, "target 10001"},
		{"five-field cron", action("cron(0 22 * * *)"), "scheduleExpression"},
		{"rate expression", action("rate(5 minutes)"), "scheduleExpression"},
		{"descriptor", action("cron(@every 5m)"), "scheduleExpression"},
		{"bad at", action("at(tomorrow)"), "scheduleExpression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(&tt.in)
			e, ok := fc.AsError(err)
			if !ok || e.Code != fc.CodeInvalidArgument || !strings.Contains(e.Message, tt.wantErr) {
				t.Errorf("got %v, want InvalidArgument containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWindowMean(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := Window{Span: 10 * time.Second}
		if got := w.Mean(); got != 0 {
			t.Errorf("empty: got %v, want 0", got)
		}
		for _, v := range []float64{4, 4, 1} {
			w.Add(time.Now(), v)
			time.Sleep(5 * time.Second)
		}
		// Now at 15s: the sample at 0s is older than the span.
		w.Add(time.Now(), 1)
		if got := w.Mean(); got != 2 {
			t.Errorf("got %v, want 2 (mean of 4, 1, 1)", got)
		}
	})
}
