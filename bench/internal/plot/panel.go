package plot

import (
	"bytes"
	"fmt"
	"math"
	"strings"
)

// drawPanel draws one panel between the pixel rows top and bottom.
func (c Chart) drawPanel(b *bytes.Buffer, p Panel, x axis, top, bottom float64, last bool) {
	y := newAxis(p.values(), p.LogY, bottom, top)
	left, right := x.from, x.to
	for _, v := range y.ticks() {
		py := y.pos(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", left, py, right, py)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, py+4, label(v))
	}
	for _, v := range x.ticks() {
		px := x.pos(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#f0f0f0"/>`+"\n", px, top, px, bottom)
		if last {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", px, bottom+16, label(v))
		}
	}
	c.drawMarks(b, x, top, bottom)
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#333"/>`+"\n",
		left, top, right-left, bottom-top)
	fmt.Fprintf(b, `<text transform="translate(%.1f,%.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n",
		left-56, (top+bottom)/2, esc(p.YLabel))
	if last {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", (left+right)/2, bottom+38, esc(c.XLabel))
	}
	for i, s := range p.Series {
		color := palette[i%len(palette)]
		drawLine(b, s, x, y, color)
		ly := top + 14 + float64(i)*18
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`+"\n", right+10, ly-4, right+30, ly-4, color)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", right+35, ly, esc(s.Name))
	}
}

func (c Chart) drawMarks(b *bytes.Buffer, x axis, top, bottom float64) {
	for _, m := range c.Marks {
		if !usable(m.X, x.log) {
			continue
		}
		px := x.pos(m.X)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999" stroke-dasharray="4,3"/>`+"\n", px, top, px, bottom)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" fill="#666">%s</text>`+"\n", px+3, top+10, esc(m.Label))
	}
}

// drawLine draws a series as polylines, broken at unusable points; a lone
// point is a dot.
func drawLine(b *bytes.Buffer, s Series, x, y axis, color string) {
	var run []Point // pixels
	flush := func() {
		switch len(run) {
		case 0:
		case 1:
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="2" fill="%s"/>`+"\n", run[0].X, run[0].Y, color)
		default:
			pts := make([]string, len(run))
			for i, p := range run {
				pts[i] = fmt.Sprintf("%.1f,%.1f", p.X, p.Y)
			}
			fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="1.8" points="%s"/>`+"\n", color, strings.Join(pts, " "))
		}
		run = run[:0]
	}
	for _, pt := range s.Points {
		if !usable(pt.X, x.log) || !usable(pt.Y, y.log) {
			flush()
			continue
		}
		run = append(run, Point{x.pos(pt.X), y.pos(pt.Y)})
	}
	flush()
}

func (p Panel) values() []float64 {
	var ys []float64
	for _, s := range p.Series {
		for _, pt := range s.Points {
			if !math.IsNaN(pt.Y) {
				ys = append(ys, pt.Y)
			}
		}
	}
	return ys
}
