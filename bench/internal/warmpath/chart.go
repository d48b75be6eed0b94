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

// chart draws latency against percentile for both paths at every client
// count.
func chart(cmps []comparison) plot.Chart {
	panel := plot.Panel{YLabel: "latency (µs)", LogY: true}
	for _, c := range cmps {
		for _, p := range []struct {
			name string
			s    pathStats
		}{{pathDirect, c.direct}, {pathYun, c.yun}} {
			panel.Series = append(panel.Series, curve(fmt.Sprintf("%s, %d clients", p.name, c.clients), p.s.latencies))
		}
	}
	return plot.Chart{Title: "Warm path latency by percentile: direct vs through Yun",
		XLabel: "percentile", Panels: []plot.Panel{panel}, PanelHeight: 360}
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
