package warmpath

import (
	"fmt"
	"slices"
	"time"

	"github.com/yun-fc/yun/bench/internal/plot"
	"github.com/yun-fc/yun/bench/internal/stats"
)

// percentiles drawn on the chart's x axis.
var percentiles = []float64{1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 99, 99.5, 99.9}

// chart draws latency against percentile for every path, one panel per
// client count.
func chart(cmps []comparison) plot.Chart {
	var panels []plot.Panel
	for _, c := range cmps {
		panel := plot.Panel{YLabel: fmt.Sprintf("µs, %d client(s)", c.clients), LogY: true}
		panel.Series = append(panel.Series, curve(pathDirect, c.direct.latencies))
		for _, v := range c.all() {
			panel.Series = append(panel.Series, curve(v.path, v.stats.latencies))
		}
		panels = append(panels, panel)
	}
	return plot.Chart{Title: "Warm path latency by percentile: direct, through Yun, through reference proxies",
		XLabel: "percentile", Panels: panels, PanelHeight: 300}
}

func curve(name string, latencies []time.Duration) plot.Series {
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	s := plot.Series{Name: name}
	for _, p := range percentiles {
		s.Points = append(s.Points, plot.Point{X: p, Y: float64(stats.Percentile(sorted, p).Microseconds())})
	}
	return s
}
