package doubling

import (
	"testing"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/stats"
	"github.com/yun-fc/yun/bench/internal/timeline"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Config)
		wantErr bool
	}{
		{"defaults", func(*Config) {}, false},
		{"max below start", func(c *Config) { c.MaxRate = 5 }, true},
		{"absurd max", func(c *Config) { c.MaxRate = 1e9 }, true},
		{"short step", func(c *Config) { c.Step = time.Millisecond }, true},
		{"tolerance below one", func(c *Config) { c.Tolerance = 0.9 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.change(&c)
			if err := c.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestStages(t *testing.T) {
	st := Defaults().stages()
	if st[0].Phase != phaseWarmup || st[1].Phase != phaseSteady || st[1].Rate != 40 {
		t.Errorf("first stages = %+v, want warm-up then steady at 40/s", st[:2])
	}
	if last := st[len(st)-1]; last.Rate != 1280 {
		t.Errorf("last stage rate = %v, want 1280", last.Rate)
	}
}

func TestVerdict(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	r := &result{cfg: Defaults(), samples: []load.Sample{
		{Phase: phaseSteady, End: ms(50)}, {Phase: phaseSteady, End: ms(60)},
		{Phase: phaseWarmup, Code: "Cold"}, // warm-up errors are not judged
		{Phase: "80/s", Code: "ResourceThrottled"},
	}}
	row := func(phase string, p95 time.Duration, errs map[string]int) timeline.Row {
		return timeline.Row{Second: stats.Second{Latency: stats.Summary{N: 1, P95: p95}, Errors: errs}, Phase: phase}
	}
	rows := []timeline.Row{
		row(phaseWarmup, ms(900), nil),
		row(phaseSteady, ms(60), nil),
		row("80/s", ms(72), nil),                                    // at the limit: 1.2 × 60
		row("80/s", ms(73), nil),                                    // over
		row("80/s", ms(50), map[string]int{"ResourceThrottled": 1}), // errors
	}
	v := r.verdict(rows)
	if v.steadyP95 != ms(60) || v.limit != ms(72) {
		t.Errorf("steady P95 %v limit %v, want 60ms and 72ms", v.steadyP95, v.limit)
	}
	if len(v.over) != 2 || v.pass() {
		t.Errorf("over = %d seconds, pass %v; want 2 and false", len(v.over), v.pass())
	}
	if len(v.errors) != 1 || v.errors["ResourceThrottled"] != 1 {
		t.Errorf("errors = %v, want only the ramp's ResourceThrottled", v.errors)
	}
}
