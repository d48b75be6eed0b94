package stats

import (
	"testing"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestPercentile(t *testing.T) {
	ten := []time.Duration{ms(1), ms(2), ms(3), ms(4), ms(5), ms(6), ms(7), ms(8), ms(9), ms(10)}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", []time.Duration{ms(7)}, 99, ms(7)},
		{"median of ten is the fifth", ten, 50, ms(5)},
		{"p95 of ten is the tenth", ten, 95, ms(10)},
		{"p90 of ten is the ninth", ten, 90, ms(9)},
		{"tiny p is the first", ten, 0.1, ms(1)},
		{"p100 is the max", ten, 100, ms(10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(p%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeLeavesInputAlone(t *testing.T) {
	in := []time.Duration{ms(3), ms(1), ms(2)}
	s := Summarize(in)
	if s.N != 3 || s.P50 != ms(2) || s.Max != ms(3) {
		t.Errorf("Summarize = %+v, want N 3, P50 2ms, Max 3ms", s)
	}
	if in[0] != ms(3) {
		t.Errorf("input reordered to %v", in)
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"none", nil, 0},
		{"odd", []float64{3, 1, 2}, 2},
		{"even", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Median(tt.xs); got != tt.want {
				t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.want)
			}
		})
	}
}

func TestBySecond(t *testing.T) {
	samples := []load.Sample{
		{Phase: "a", Scheduled: ms(100), Start: ms(101), End: ms(150)},
		{Phase: "a", Scheduled: ms(900), Start: ms(900), End: ms(1100)}, // ends in second 1
		{Phase: "a", Scheduled: ms(1200), Start: ms(1300), End: ms(1400), Code: "Boom"},
		{Phase: "a", Scheduled: ms(5000), Start: ms(5000), End: ms(5001)}, // outside
	}
	secs := BySecond(samples, 0, 2)
	if len(secs) != 2 {
		t.Fatalf("got %d seconds, want 2", len(secs))
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"second 0 offered", secs[0].Offered, 2},
		{"second 0 served", secs[0].Served, 1},
		{"second 1 offered", secs[1].Offered, 1},
		{"second 1 served", secs[1].Served, 1},
		{"second 1 errors", secs[1].Errors["Boom"], 1},
		{"second 0 latency count", secs[0].Latency.N, 2},
		{"second 1 latency count", secs[1].Latency.N, 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if got := secs[0].Latency.P95; got != ms(200) {
		t.Errorf("second 0 P95 = %v, want 200ms (from the scheduled time)", got)
	}
	if got := secs[1].Lag.Max; got != ms(100) {
		t.Errorf("second 1 lag max = %v, want 100ms", got)
	}
	if got := secs[1].ErrorCount(); got != 1 {
		t.Errorf("second 1 ErrorCount = %d, want 1", got)
	}
}

func TestLatenciesAndErrorsByPhase(t *testing.T) {
	samples := []load.Sample{
		{Phase: "a", End: ms(5)}, {Phase: "b", End: ms(7)}, {Phase: "b", Code: "X"}, {Phase: "a", Code: "X"},
	}
	if got := Latencies(samples, "b"); len(got) != 1 || got[0] != ms(7) {
		t.Errorf("Latencies(b) = %v, want [7ms]", got)
	}
	if got := Errors(samples, ""); got["X"] != 2 {
		t.Errorf("Errors(all) = %v, want X: 2", got)
	}
	if got := Errors(samples, "a"); got["X"] != 1 {
		t.Errorf("Errors(a) = %v, want X: 1", got)
	}
}
