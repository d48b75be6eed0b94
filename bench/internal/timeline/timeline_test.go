package timeline

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/probe"
)

func TestBuild(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	samples := []load.Sample{
		{Phase: "a", Scheduled: ms(100), Start: ms(100), End: ms(150)},
		{Phase: "a", Scheduled: ms(200), Start: ms(200), End: ms(260)},
		{Phase: "b", Scheduled: ms(300), Start: ms(300), End: ms(350)},
		{Phase: "b", Scheduled: ms(1100), Start: ms(1100), End: ms(1150), Code: "X"},
	}
	ticks := []probe.Tick{
		{At: ms(5), Instances: 1, ColdStarts: 0},
		{At: ms(1010), Instances: 3, ByState: map[string]int{"starting": 1, "idle": 2}, ColdStarts: 2,
			YunCPU: ms(500), InstanceCPU: ms(250), SelfCPU: ms(100)},
		{At: ms(2005), Instances: 3, ColdStarts: 2, YunCPU: ms(500), InstanceCPU: ms(250), SelfCPU: ms(100)},
	}
	rows := Build(samples, ticks, 2)
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	r0, r1 := rows[0], rows[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"row 0 phase (majority)", r0.Phase, "a"},
		{"row 0 offered", r0.Offered, 3},
		{"row 0 cold starts", r0.ColdStarts, 2},
		{"row 0 instances at its end", r0.Instances, 3},
		{"row 0 starting", r0.Starting, 1},
		{"row 1 starting unknown without states", r1.Starting, -1},
		{"row 1 cold starts", r1.ColdStarts, 0},
		{"row 1 errors", r1.ErrorCount(), 1},
		{"row 0 yun CPU %", math.Round(r0.YunCPU), 50.0},
		{"row 0 total CPU %", math.Round(r0.TotalCPU()), 85.0},
		{"row 1 yun CPU %", r1.YunCPU, 0.0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestBuildWithoutTicks(t *testing.T) {
	rows := Build([]load.Sample{{Phase: "a", Scheduled: 0, End: time.Millisecond}}, nil, 1)
	if rows[0].Instances != -1 || rows[0].ColdStarts != -1 {
		t.Errorf("row = %+v, want unknown (-1) instances and cold starts", rows[0])
	}
	header, cells := Table(rows)
	if len(cells[0]) != len(header) {
		t.Fatalf("row has %d cells, header %d", len(cells[0]), len(header))
	}
	if line := strings.Join(cells[0], "|"); !strings.Contains(line, "n/a") {
		t.Errorf("row %q, want n/a for unknown figures", line)
	}
	svg := string(Chart("t", rows, nil, true).SVG())
	for _, want := range []string{"latency (ms)", "requests/s", "instances", "CPU (% of one core)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks the panel %q", want)
		}
	}
}
