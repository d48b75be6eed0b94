package coldstart

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/plot"
	"github.com/yun-fc/yun/bench/internal/report"
	"github.com/yun-fc/yun/bench/internal/stats"
)

// Targets of the issue, on this machine.
const (
	targetPrewarmedSystemP99 = 20 * time.Millisecond // Node.js and Python, pre-warmed
	targetWasmE2EP99         = 5 * time.Millisecond
)

// pick returns the samples of runtime in one mode.
func (r *results) pick(runtime string, pooled bool) []sample {
	var out []sample
	for _, s := range r.samples {
		if s.runtime == runtime && s.pooled == pooled {
			out = append(out, s)
		}
	}
	return out
}

func summarize(samples []sample) (system, e2e stats.Summary, hits int) {
	var sys, end []time.Duration
	for _, s := range samples {
		sys, end = append(sys, s.system), append(end, s.e2e)
		if s.hit {
			hits++
		}
	}
	return stats.Summarize(sys), stats.Summarize(end), hits
}

func (r *results) report(env *harness.Env) string {
	var d report.Doc
	d.Heading(1, "Cold start")
	d.Para("A fresh instance every time: `Engine.Start` of a hello function, then its first invocation. "+
		"**System side** is from the start request to the moment the user's handler runs (the handler answers "+
		"CLOCK_REALTIME in µs); **end to end** is to the first response. The engines run inside the benchmark's "+
		"process, as in `yun server` (process engine with its sandbox, wazero): this is the execution engine's cold "+
		"path without the API and scheduler in front (see warmpath.md for their cost). %d cold starts per runtime "+
		"and mode, the modes alternating; with the pool, each start finds a pre-warmed sandbox ready (the run waits "+
		"for the refill) and each start without it runs while the pool is idle.", r.cfg.Starts)
	d.Image("cold-start latency percentiles", "coldstart.svg")
	r.latencyTable(&d)
	r.targets(&d)
	r.densityTables(&d)
	d.Heading(2, "How it is measured")
	d.Bullets(
		"Node.js and Python: Yun's bootstraps; custom: a bare Node.js HTTP server (`customRuntimeConfig.command` = node /code/server.js) on port 9000; WebAssembly: a Go `wasip1` module writing the time to stdout.",
		fmt.Sprintf("Functions: memorySize %d MB, diskSize 512 MB, no cpu limit, no initializer. Sandbox on: own PID/mount/IPC/UTS/net namespaces, the program in its own user namespace where the host allows it, own uid, seccomp, cgroup.", r.cfg.MemoryMB),
		"Pre-warmed: a sandbox of the function's kind was booted ahead (Node.js/Python: runtime booted and blocked on its control socket; custom: jail built, init waiting to exec the command). The claim mounts the code read-only on /code, a tmpfs of diskSize on /tmp, sets the cgroup limits, sends the environment; the runtime then loads the handler and listens.",
		"By hand: `node -e` with an http server, and `python3 -c` with a socket server, exec'd with a clean environment and polled every 0.5 ms until the first HTTP answer. No sandbox, no Yun.",
		"Idle memory: instances started without the pool, invoked once, idle 1 s. cgroup = memory.usage of the instance's cgroup (page cache it faulted first included); PSS = proportional set size of its processes (shared pages of the runtime divided among their users). WebAssembly: growth of the resident set of the process holding the engine (as Yun would) per idle instance.",
		fmt.Sprintf("Creation rate: %d concurrent `Engine.Start` calls, until all are ready; with the pool (one sandbox per kind ready) most still start from scratch.", r.cfg.Burst),
	)
	env.Machine.Write(&d, env.Command)
	return d.String()
}

func (r *results) latencyTable(d *report.Doc) {
	d.Heading(2, "Latency")
	header := []string{"runtime", "mode", "starts", "system p50 ms", "system p99 ms", "end-to-end p50 ms", "end-to-end p99 ms", "pool hits"}
	var rows [][]string
	for _, c := range r.cases {
		modes := []bool{false, true}
		if c.pool == "" {
			modes = []bool{false}
		}
		for _, pooled := range modes {
			sys, end, hits := summarize(r.pick(c.runtime, pooled))
			mode, hitCell := "fresh sandbox", "–"
			if c.pool == "" {
				mode = "compiled module cached"
			}
			if pooled {
				mode, hitCell = "pre-warmed", fmt.Sprintf("%d/%d", hits, sys.N)
			}
			rows = append(rows, []string{c.label + " (" + c.runtime + ")", mode, strconv.Itoa(sys.N),
				report.Ms(sys.P50), report.Ms(sys.P99), report.Ms(end.P50), report.Ms(end.P99), hitCell})
		}
	}
	for _, label := range []string{"Node.js", "Python"} {
		if b := r.bare[label]; len(b) > 0 {
			s, _, _ := summarize(b)
			rows = append(rows, []string{label + " by hand", "exec until first answer", strconv.Itoa(s.N), "–", "–", report.Ms(s.P50), report.Ms(s.P99), "–"})
		}
	}
	d.Table(header, rows)
}

func (r *results) targets(d *report.Doc) {
	d.Heading(2, "Targets")
	var items []string
	for _, c := range r.cases {
		switch {
		case c.pool == "nodejs" || c.pool == "python":
			sys, _, _ := summarize(r.pick(c.runtime, true))
			items = append(items, fmt.Sprintf("%s pre-warmed, system side p99 ≤ %s: **%s** (%s ms)", c.label,
				report.Ms(targetPrewarmedSystemP99), met(sys.P99 <= targetPrewarmedSystemP99), report.Ms(sys.P99)))
		case c.pool == "":
			_, end, _ := summarize(r.pick(c.runtime, false))
			items = append(items, fmt.Sprintf("%s end to end p99 ≤ %s ms: **%s** (%s ms)", c.label,
				report.Ms(targetWasmE2EP99), met(end.P99 <= targetWasmE2EP99), report.Ms(end.P99)))
		}
	}
	d.Bullets(items...)
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func (r *results) densityTables(d *report.Doc) {
	d.Heading(2, "Idle memory per instance")
	var rows [][]string
	for _, m := range r.idle {
		cg, pss, heap := mib(m.cgroup), mib(m.pss), "–"
		if m.runtime == wasmRuntime {
			cg, pss, heap = "–", "–", fmt.Sprintf("%.0f", float64(m.heap)/(1<<10))
		}
		rows = append(rows, []string{m.runtime, strconv.Itoa(m.n), cg, pss, heap})
	}
	d.Table([]string{"runtime", "instances", "cgroup MiB", "PSS MiB", "Yun's RSS KiB"}, rows)
	d.Heading(2, "Instance creations per second")
	rows = nil
	for _, b := range r.bursts {
		mode := "fresh"
		if b.pooled {
			mode = fmt.Sprintf("pool on (%d hits)", b.hits)
		}
		rate := float64(b.n) / b.wall.Seconds()
		rows = append(rows, []string{b.runtime, mode, strconv.Itoa(b.n), report.Ms(b.wall), fmt.Sprintf("%.0f", rate)})
	}
	d.Table([]string{"runtime", "mode", "concurrent starts", "until all ready ms", "creations/s"}, rows)
}

func mib(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }

// chart draws the system-side latency against the percentile, per runtime
// and mode, log scale.
func (r *results) chart() []byte {
	var series []plot.Series
	for _, c := range r.cases {
		for _, pooled := range []bool{false, true} {
			samples := r.pick(c.runtime, pooled)
			if len(samples) == 0 {
				continue
			}
			name := c.runtime
			if pooled {
				name += " pre-warmed"
			}
			series = append(series, percentileSeries(name, samples))
		}
	}
	chart := plot.Chart{Title: "Cold start, system side (start requested → handler runs)", XLabel: "percentile",
		Panels: []plot.Panel{{YLabel: "ms", LogY: true, Series: series}}}
	return chart.SVG()
}

func percentileSeries(name string, samples []sample) plot.Series {
	var ds []time.Duration
	for _, s := range samples {
		ds = append(ds, s.system)
	}
	sorted := slices.Sorted(slices.Values(ds))
	s := plot.Series{Name: name}
	for p := 1; p <= 100; p++ {
		s.Points = append(s.Points, plot.Point{X: float64(p), Y: float64(stats.Percentile(sorted, float64(p))) / 1e6})
	}
	return s
}

// writeCSV writes one row per cold start.
func (r *results) writeCSV(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("runtime,pooled,hit,system_us,e2e_us\n")
	for _, s := range r.samples {
		fmt.Fprintf(&b, "%s,%t,%t,%d,%d\n", s.runtime, s.pooled, s.hit, s.system.Microseconds(), s.e2e.Microseconds())
	}
	for label, ss := range r.bare {
		for _, s := range ss {
			fmt.Fprintf(&b, "%s by hand,false,false,,%d\n", label, s.e2e.Microseconds())
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
