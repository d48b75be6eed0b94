package plot

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
)

func TestNiceStep(t *testing.T) {
	tests := []struct {
		span, want float64
	}{
		{10, 2}, {100, 20}, {7, 2}, {1280, 500}, {0.3, 0.1}, {0, 1},
	}
	for _, tt := range tests {
		if got := niceStep(tt.span); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("niceStep(%v) = %v, want %v", tt.span, got, tt.want)
		}
	}
}

func TestAxis(t *testing.T) {
	tests := []struct {
		name      string
		values    []float64
		log       bool
		wantTicks []float64
	}{
		{"linear from zero", []float64{3, 9}, false, []float64{0, 2, 4, 6, 8, 10}},
		{"log decades with 1-2-5", []float64{10, 90}, true, []float64{10, 20, 50, 100}},
		{"no usable values", []float64{math.NaN()}, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{"log ignores zero", []float64{0, 5}, true, []float64{1, 2, 5, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAxis(tt.values, tt.log, 0, 100)
			got := a.ticks()
			if len(got) != len(tt.wantTicks) {
				t.Fatalf("ticks = %v, want %v", got, tt.wantTicks)
			}
			for i := range got {
				if math.Abs(got[i]-tt.wantTicks[i]) > 1e-9 {
					t.Errorf("tick %d = %v, want %v", i, got[i], tt.wantTicks[i])
				}
			}
			if p := a.pos(got[0]); math.Abs(p) > 1e-9 {
				t.Errorf("pos(first tick) = %v, want 0 (the axis starts at a tick)", p)
			}
		})
	}
}

func TestSVG(t *testing.T) {
	c := Chart{Title: "T & co", XLabel: "seconds", Marks: []Mark{{X: 1, Label: "step"}}, Panels: []Panel{
		{YLabel: "latency (ms)", LogY: true, Series: []Series{
			{Name: "P95", Points: []Point{{0, 10}, {1, 20}, {2, math.NaN()}, {3, 30}, {4, 40}}},
			{Name: "lone", Points: []Point{{0, 5}}},
		}},
		{YLabel: "requests/s", Series: []Series{{Name: "offered", Points: []Point{{0, 1}, {4, 3}}}}},
	}}
	svg := string(c.SVG())
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG is not well-formed XML: %v", err)
			}
			break
		}
	}
	for _, want := range []string{"T &amp; co", "seconds", "latency (ms)", "requests/s", "P95", "offered", "step"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if got := strings.Count(svg, "<polyline"); got != 3 {
		t.Errorf("got %d polylines, want 3 (P95 broken at NaN into two, offered one)", got)
	}
	if got := strings.Count(svg, "<circle"); got != 1 {
		t.Errorf("got %d dots, want 1 for the lone point", got)
	}
}
