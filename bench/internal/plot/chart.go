package plot

import (
	"bytes"
	"fmt"
	"html"
	"math"
)

// Point is one value of a Series.
type Point struct{ X, Y float64 }

// Series is one line.
type Series struct {
	Name   string
	Points []Point
}

// Panel is one y axis with its lines.
type Panel struct {
	YLabel string
	LogY   bool
	Series []Series
}

// Mark is a labelled vertical line across every panel, e.g. a phase change.
type Mark struct {
	X     float64
	Label string
}

// Chart is the whole figure.
type Chart struct {
	Title  string
	XLabel string
	LogX   bool
	Panels []Panel
	Marks  []Mark
	// Width and PanelHeight in pixels. Defaults 900 and 260.
	Width, PanelHeight int
}

// Layout constants, in pixels.
const (
	marginLeft   = 80
	marginRight  = 150 // room for the legend
	marginTop    = 40
	panelGap     = 40
	marginBottom = 50
)

// palette colours series by their index in a panel.
var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"}

// SVG renders the chart.
func (c Chart) SVG() []byte {
	if c.Width <= 0 {
		c.Width = 900
	}
	if c.PanelHeight <= 0 {
		c.PanelHeight = 260
	}
	height := marginTop + len(c.Panels)*(c.PanelHeight+panelGap) + marginBottom - panelGap
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		c.Width, height, c.Width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", marginLeft, esc(c.Title))
	x := newAxis(c.xValues(), c.LogX, marginLeft, float64(c.Width-marginRight))
	for i, p := range c.Panels {
		top := float64(marginTop + i*(c.PanelHeight+panelGap))
		c.drawPanel(&b, p, x, top, top+float64(c.PanelHeight), i == len(c.Panels)-1)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func (c Chart) xValues() []float64 {
	var xs []float64
	for _, p := range c.Panels {
		for _, s := range p.Series {
			for _, pt := range s.Points {
				xs = append(xs, pt.X)
			}
		}
	}
	for _, m := range c.Marks {
		xs = append(xs, m.X)
	}
	return xs
}

func esc(s string) string { return html.EscapeString(s) }

// usable reports whether v can be drawn on an axis.
func usable(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}
