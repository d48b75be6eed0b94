package timeline

import (
	"fmt"
	"math"
	"time"

	"github.com/yun-fc/yun/bench/internal/plot"
	"github.com/yun-fc/yun/bench/internal/report"
)

// Table renders rows as report table cells.
func Table(rows []Row) (header []string, cells [][]string) {
	header = []string{"s", "phase", "offered", "served", "errors", "P50 ms", "P95 ms", "P99 ms",
		"cold starts", "instances", "CPU % yun / inst / gen / others", "gen lag P99 ms"}
	for _, r := range rows {
		cells = append(cells, []string{
			fmt.Sprint(r.At), r.Phase, fmt.Sprint(r.Offered), fmt.Sprint(r.Served), report.Codes(r.Errors),
			latency(r.Latency.N, r.Latency.P50), latency(r.Latency.N, r.Latency.P95), latency(r.Latency.N, r.Latency.P99),
			report.Count(r.ColdStarts), instances(r),
			cpu(r), report.Ms(r.Lag.P99),
		})
	}
	return header, cells
}

// instances prints the instance count, with those still starting when known.
func instances(r Row) string {
	if r.Starting < 0 || r.Instances < 0 {
		return report.Count(r.Instances)
	}
	return fmt.Sprintf("%d (%d starting)", r.Instances, r.Starting)
}

func cpu(r Row) string {
	if !r.CPUKnown {
		return "n/a"
	}
	others := "?"
	if r.OtherCPU >= 0 {
		others = fmt.Sprintf("%.0f", r.OtherCPU)
	}
	return fmt.Sprintf("%.0f / %.0f / %.0f / %s", r.YunCPU, r.InstanceCPU, r.GenCPU, others)
}

func latency(n int, d time.Duration) string {
	if n == 0 {
		return "-"
	}
	return report.Ms(d)
}

// Chart draws latency percentiles, rates, instances and CPU per second.
// logRate puts the rate panel on a logarithmic axis.
func Chart(title string, rows []Row, marks []plot.Mark, logRate bool) plot.Chart {
	series := func(name string, f func(Row) float64) plot.Series {
		s := plot.Series{Name: name}
		for _, r := range rows {
			s.Points = append(s.Points, plot.Point{X: float64(r.At) + 0.5, Y: f(r)})
		}
		return s
	}
	ms := func(pick func(Row) time.Duration) func(Row) float64 {
		return func(r Row) float64 {
			if r.Latency.N == 0 {
				return math.NaN()
			}
			return float64(pick(r)) / float64(time.Millisecond)
		}
	}
	pct := func(f func(Row) float64) func(Row) float64 {
		return func(r Row) float64 {
			if !r.CPUKnown {
				return math.NaN()
			}
			return f(r)
		}
	}
	known := func(n int) float64 {
		if n < 0 {
			return math.NaN()
		}
		return float64(n)
	}
	return plot.Chart{Title: title, XLabel: "time since start of the run (s)", Marks: marks, PanelHeight: 200,
		Panels: []plot.Panel{
			{YLabel: "latency (ms)", LogY: true, Series: []plot.Series{
				series("P50", ms(func(r Row) time.Duration { return r.Latency.P50 })),
				series("P95", ms(func(r Row) time.Duration { return r.Latency.P95 })),
				series("P99", ms(func(r Row) time.Duration { return r.Latency.P99 })),
			}},
			{YLabel: "requests/s", LogY: logRate, Series: []plot.Series{
				series("offered", func(r Row) float64 { return float64(r.Offered) }),
				series("served", func(r Row) float64 { return float64(r.Served) }),
				series("errors", func(r Row) float64 { return float64(r.ErrorCount()) }),
			}},
			{YLabel: "instances", Series: []plot.Series{
				series("instances", func(r Row) float64 { return known(r.Instances) }),
				series("of which starting", func(r Row) float64 { return known(r.Starting) }),
				series("cold starts", func(r Row) float64 { return known(r.ColdStarts) }),
			}},
			{YLabel: "CPU (% of one core)", Series: []plot.Series{
				series("yun server", pct(func(r Row) float64 { return r.YunCPU })),
				series("instances", pct(func(r Row) float64 { return r.InstanceCPU })),
				series("generator", pct(func(r Row) float64 { return r.GenCPU })),
				series("other processes", func(r Row) float64 {
					if !r.CPUKnown || r.OtherCPU < 0 {
						return math.NaN()
					}
					return r.OtherCPU
				}),
			}},
		}}
}
