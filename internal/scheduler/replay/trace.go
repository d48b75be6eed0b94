package replay

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// App is one application of a trace: one scheduler function (one Key).
type App struct {
	ID       string
	MemoryMB int // the app's memory: the sum over its functions
	Trigger  string
}

// Invocation is one call of an app, At after the trace's start.
type Invocation struct {
	At       time.Duration
	App      int // index into Trace.Apps
	Duration time.Duration
}

// Trace is a replayable workload: its apps and its calls in time order.
type Trace struct {
	Name   string
	Apps   []App
	Length time.Duration // calls fall in [0, Length)
	calls  []Invocation  // sorted by At
}

// Invocations returns the trace's calls in time order.
func (t *Trace) Invocations() []Invocation { return t.calls }

// Window returns the trace cut to [from, from+length) (shifted to start at
// zero) and to the apps for which keep returns true (nil keeps all).
func (t *Trace) Window(from, length time.Duration, keep func(app int) bool) *Trace {
	out := &Trace{Name: t.Name, Apps: t.Apps, Length: min(length, t.Length-from)}
	for _, c := range t.calls {
		if c.At >= from && c.At < from+length && (keep == nil || keep(c.App)) {
			c.At -= from
			out.calls = append(out.calls, c)
		}
	}
	return out
}

// Load2019 reads the 500-function sample of the Azure Functions 2019 trace
// (invocations.csv, durations.csv, memory.csv in dir): per-minute counts per
// function. An app is all functions sharing a HashApp; its memory is the
// sum of its functions' AverageAllocatedMb, each function's duration its
// Average. The n calls of a function in one minute are spread evenly over
// the minute, at m + i·60s/n (a timer firing once a minute comes at the
// minute's start).
func Load2019(dir string) (*Trace, error) {
	durations, err := readCSV(filepath.Join(dir, "durations.csv"))
	if err != nil {
		return nil, err
	}
	memory, err := readCSV(filepath.Join(dir, "memory.csv"))
	if err != nil {
		return nil, err
	}
	invocations, err := readCSV(filepath.Join(dir, "invocations.csv"))
	if err != nil {
		return nil, err
	}
	dur := make(map[string]time.Duration) // by HashFunction
	for _, r := range durations[1:] {
		ms, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			return nil, fmt.Errorf("durations.csv: function %s: Average %q: %w", r[2], r[3], err)
		}
		dur[r[2]] = time.Duration(ms * float64(time.Millisecond))
	}
	mem := make(map[string]float64) // by HashApp
	for _, r := range memory[1:] {
		mb, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			return nil, fmt.Errorf("memory.csv: function %s: AverageAllocatedMb %q: %w", r[0], r[4], err)
		}
		mem[r[2]] += mb
	}
	header := invocations[0]
	first, err := strconv.Atoi(header[4])
	if err != nil {
		return nil, fmt.Errorf("invocations.csv: first minute %q: %w", header[4], err)
	}
	t := &Trace{Name: filepath.Base(dir), Length: time.Duration(len(header)-4) * time.Minute}
	apps := make(map[string]int)
	for _, r := range invocations[1:] {
		app, ok := apps[r[1]]
		if !ok {
			app = len(t.Apps)
			apps[r[1]] = app
			t.Apps = append(t.Apps, App{ID: r[1], MemoryMB: max(1, int(math.Round(mem[r[1]]))), Trigger: r[3]})
		}
		d, ok := dur[r[2]]
		if !ok {
			return nil, fmt.Errorf("invocations.csv: function %s has no duration", r[2])
		}
		for col, v := range r[4:] {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("invocations.csv: function %s minute %d: %q: %w", r[2], first+col, v, err)
			}
			minute := time.Duration(col) * time.Minute
			for i := range n {
				t.calls = append(t.calls, Invocation{At: minute + time.Minute*time.Duration(i)/time.Duration(n), App: app, Duration: d})
			}
		}
	}
	sortCalls(t.calls)
	return t, nil
}

// Load2021 reads a per-invocation sample of the Azure Functions 2021 trace
// (app, func, end_timestamp, duration in seconds): each call starts at
// end_timestamp - duration. The trace has no memory figures: every app is
// given defaultMemoryMB.
func Load2021(path string, defaultMemoryMB int) (*Trace, error) {
	rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	t := &Trace{Name: filepath.Base(path)}
	apps := make(map[string]int)
	for i, r := range rows[1:] {
		end, err1 := strconv.ParseFloat(r[2], 64)
		d, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil || d < 0 {
			return nil, fmt.Errorf("%s: row %d: bad end_timestamp %q or duration %q", path, i+2, r[2], r[3])
		}
		app, ok := apps[r[0]]
		if !ok {
			app = len(t.Apps)
			apps[r[0]] = app
			t.Apps = append(t.Apps, App{ID: r[0], MemoryMB: defaultMemoryMB})
		}
		at := time.Duration(max(0, end-d) * float64(time.Second))
		t.calls = append(t.calls, Invocation{At: at, App: app, Duration: time.Duration(d * float64(time.Second))})
		t.Length = max(t.Length, at+time.Nanosecond)
	}
	t.Length = t.Length.Truncate(time.Minute) + time.Minute
	sortCalls(t.calls)
	return t, nil
}

func sortCalls(calls []Invocation) {
	slices.SortStableFunc(calls, func(a, b Invocation) int {
		return cmp.Or(cmp.Compare(a.At, b.At), cmp.Compare(a.App, b.App))
	})
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = false
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, rec)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return rows, nil
}
