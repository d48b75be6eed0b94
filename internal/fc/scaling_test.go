package fc

import (
	"strings"
	"testing"
	"time"
)

func TestPutProvisionConfigInputValidate(t *testing.T) {
	n := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	policy := func(mut func(*TargetTrackingPolicy)) PutProvisionConfigInput {
		p := TargetTrackingPolicy{Name: "p", MetricType: MetricProvisionedConcurrencyUtilization,
			MetricTarget: f(0.6), MinCapacity: n(1), MaxCapacity: n(5)}
		mut(&p)
		return PutProvisionConfigInput{Target: n(1), TargetTrackingPolicies: []TargetTrackingPolicy{p}}
	}
	action := func(mut func(*ScheduledAction)) PutProvisionConfigInput {
		a := ScheduledAction{Name: "a", ScheduleExpression: "cron(0 0 22 * * *)", Target: n(3), TimeZone: "Asia/Shanghai"}
		mut(&a)
		return PutProvisionConfigInput{Target: n(1), ScheduledActions: []ScheduledAction{a}}
	}
	tests := []struct {
		name    string
		in      PutProvisionConfigInput
		wantErr string // "" for valid
	}{
		{"target only", PutProvisionConfigInput{Target: n(10)}, ""},
		{"missing target", PutProvisionConfigInput{}, "target is required"},
		{"negative target", PutProvisionConfigInput{Target: n(-1)}, "target -1"},
		{"defaultTarget too large", PutProvisionConfigInput{Target: n(1), DefaultTarget: n(10001)}, "defaultTarget 10001"},
		{"valid action", action(func(*ScheduledAction) {}), ""},
		{"at action with a window", action(func(a *ScheduledAction) {
			a.ScheduleExpression, a.StartTime, a.EndTime = "at(2026-11-24T10:00:00)", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"
		}), ""},
		{"action without name", action(func(a *ScheduledAction) { a.Name = "" }), "name is required"},
		{"action without target", action(func(a *ScheduledAction) { a.Target = nil }), "target is required"},
		{"bad cron", action(func(a *ScheduledAction) { a.ScheduleExpression = "cron(61 * * * * *)" }), "scheduleExpression"},
		{"bad time zone", action(func(a *ScheduledAction) { a.TimeZone = "Mars/Olympus" }), "timeZone"},
		{"start after end", action(func(a *ScheduledAction) {
			a.StartTime, a.EndTime = "2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z"
		}), "not before endTime"},
		{"valid policy", policy(func(*TargetTrackingPolicy) {}), ""},
		{"unsupported metric", policy(func(p *TargetTrackingPolicy) { p.MetricType = "CPUUtilization" }), "not supported"},
		{"metricTarget above 1", policy(func(p *TargetTrackingPolicy) { p.MetricTarget = f(1.5) }), "metricTarget"},
		{"metricTarget 0", policy(func(p *TargetTrackingPolicy) { p.MetricTarget = f(0) }), "metricTarget"},
		{"min above max", policy(func(p *TargetTrackingPolicy) { p.MinCapacity = n(6) }), "minCapacity 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.wantErr != "":
				e, ok := AsError(err)
				if !ok || e.Code != CodeInvalidArgument || !strings.Contains(e.Message, tt.wantErr) {
					t.Errorf("got %v, want InvalidArgument containing %q", err, tt.wantErr)
				}
			}
		})
	}
}

func TestPutConcurrencyInputValidate(t *testing.T) {
	n := func(v int) *int { return &v }
	tests := []struct {
		name string
		in   PutConcurrencyInput
		ok   bool
	}{
		{"zero blocks the function", PutConcurrencyInput{ReservedConcurrency: n(0)}, true},
		{"the whole quota", PutConcurrencyInput{ReservedConcurrency: n(100)}, true},
		{"above the quota", PutConcurrencyInput{ReservedConcurrency: n(101)}, false},
		{"negative", PutConcurrencyInput{ReservedConcurrency: n(-1)}, false},
		{"missing", PutConcurrencyInput{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.in.Validate(100); (err == nil) != tt.ok {
				t.Errorf("got %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestScheduleNext(t *testing.T) {
	shanghai, _ := LoadTimeZone("Asia/Shanghai")
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		expr string
		loc  *time.Location
		want time.Time
	}{
		{"cron(0 0 22 * * *)", time.UTC, time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC)},
		{"cron(0 0 22 * * *)", shanghai, time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)},
		{" cron( */30 * * * * ? ) ", time.UTC, from.Add(30 * time.Second)},
		{"at(2026-03-02T08:00:00)", shanghai, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{"at(2026-03-02T08:00:00Z)", shanghai, time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		{"at(2026-02-01T00:00:00Z)", time.UTC, time.Time{}}, // passed
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s, err := ParseSchedule(tt.expr, tt.loc)
			if err != nil {
				t.Fatalf("ParseSchedule: %v", err)
			}
			if got := s.Next(from); !got.Equal(tt.want) {
				t.Errorf("Next(%v): got %v, want %v", from, got, tt.want)
			}
		})
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"cron(0 0 22 * * *)", "at(2026-11-24T10:00:00)", "cron(*/5 * * ? * MON-FRI)", "rate(5m)", "cron()"} {
		f.Add(s)
	}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := ParseSchedule(expr, time.UTC)
		if err != nil {
			return
		}
		if next := s.Next(from); !next.IsZero() && !next.After(from) {
			t.Errorf("%q: Next(%v) = %v, want a later time", expr, from, next)
		}
	})
}
