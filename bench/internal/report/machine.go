package report

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine describes where a benchmark ran.
type Machine struct {
	CPU     string
	Cores   int
	Memory  string // e.g. "23.4 GiB"
	Kernel  string
	Go      string
	Node    string
	LoadAvg string // /proc/loadavg's 1/5/15-minute averages at the start
	Yun     string // the repository's revision: git describe --always --dirty
	Date    time.Time
}

// DetectMachine reads the machine's description and the revision of the
// repository at repo. Missing facts read "unknown".
func DetectMachine(ctx context.Context, repo string) Machine {
	return Machine{
		CPU:     cpuModel(),
		Cores:   runtime.NumCPU(),
		Memory:  memTotal(),
		Kernel:  firstLine("/proc/sys/kernel/osrelease"),
		Go:      runtime.Version(),
		Node:    nodeVersion(ctx),
		LoadAvg: loadAvg(),
		Yun:     revision(ctx, repo),
		Date:    time.Now().UTC(),
	}
}

// Rows returns the machine as table rows.
func (m Machine) Rows() [][]string {
	return [][]string{
		{"date (UTC)", m.Date.Format("2006-01-02 15:04")},
		{"CPU", m.CPU},
		{"cores", strconv.Itoa(m.Cores)},
		{"memory", m.Memory},
		{"kernel", m.Kernel},
		{"Go", m.Go},
		{"Node.js", m.Node},
		{"load average at start", m.LoadAvg},
		{"Yun revision", m.Yun},
	}
}

// Write adds the machine section to d.
func (m Machine) Write(d *Doc, command string) {
	d.Heading(2, "Machine and command")
	d.Table([]string{"", ""}, m.Rows())
	if note := m.busyNote(); note != "" {
		d.Para("%s", note)
	}
	d.Para("Command (from the repository root):")
	d.Code("sh", command)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	for _, line := range strings.Split(firstLines("/proc/meminfo", 3), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err == nil {
				return fmt.Sprintf("%.1f GiB", kb/(1<<20))
			}
		}
	}
	return "unknown"
}

func loadAvg() string {
	f := strings.Fields(firstLine("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func nodeVersion(ctx context.Context) string { return output(ctx, "", "node", "--version") }

// revision names the measured code: a commit, "-dirty" when the working tree
// has changes on top of it. YUNBENCH_REVISION, when set, names it instead (a
// run from an exported tree has no git metadata).
func revision(ctx context.Context, repo string) string {
	if v := os.Getenv("YUNBENCH_REVISION"); v != "" {
		return v
	}
	return output(ctx, repo, "git", "describe", "--always", "--dirty")
}

// output runs a command with a clean environment and returns its trimmed
// standard output, or "unknown".
func output(ctx context.Context, dir, name string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func firstLine(path string) string { return firstLines(path, 1) }

func firstLines(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	lines := strings.SplitN(string(b), "\n", n+1)
	return strings.TrimSpace(strings.Join(lines[:min(n, len(lines))], "\n"))
}

// busyNote warns when the machine was busy with other work as the run
// started: a 1-minute load average above the core count.
func (m Machine) busyNote() string {
	f := strings.Fields(m.LoadAvg)
	if len(f) == 0 {
		return ""
	}
	load, err := strconv.ParseFloat(f[0], 64)
	if err != nil || load <= float64(m.Cores) {
		return ""
	}
	return fmt.Sprintf("**Warning:** the machine was busy with other work when this run started (1-minute load "+
		"average %.1f on %d cores, an average that lags); every figure here shares the CPU with it. Where a "+
		"report has a per-second \"others\" CPU column, it shows what other processes took in each second.",
		load, m.Cores)
}
