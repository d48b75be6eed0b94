package jail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Limits are what a jail's cgroup allows.
type Limits struct {
	MemoryBytes int64   // memory, page cache and tmpfs included; no swap. 0: none
	CPU         float64 // cores (1.5 = 150 ms of CPU time per 100 ms). 0: none
	Pids        int     // processes and threads. 0: none
}

// cpuPeriod is the CFS period the CPU quota is expressed in.
const cpuPeriod = 100 * time.Millisecond

// cpuQuota is the quota in microseconds per cpuPeriod, or 0 for none.
func (l Limits) cpuQuota() int64 {
	if l.CPU <= 0 {
		return 0
	}
	return max(1000, int64(l.CPU*float64(cpuPeriod.Microseconds())))
}

// cgroupDriver is one cgroup version's way of making cgroups.
type cgroupDriver interface {
	version() int
	// create makes the cgroup name under Yun's parent and applies l.
	create(name string, l Limits) (*Cgroup, error)
	// leftovers lists the cgroups under Yun's parent whose names start with prefix.
	leftovers(prefix string) ([]*Cgroup, error)
}

// Cgroup is the cgroup of one jail: one directory per v1 controller, or one
// v2 directory.
type Cgroup struct {
	dirs   []string // every directory, the memory one first
	events string   // file holding "oom_kill N"
	limit  int64
	setCPU func(quota int64) error // writes a CPU quota in µs per cpuPeriod; 0: none
	// setMemory writes a memory limit in bytes (no swap).
	setMemory func(bytes int64) error
	current   string // file holding the current memory use in bytes

	mu   sync.Mutex // guards peak's closing against readers
	peak *os.File   // holds the peak memory use in bytes; nil if unknown
}

// openPeak keeps the peak memory file open: a reading is then one pread.
func (c *Cgroup) openPeak(path string) {
	if f, err := os.Open(path); err == nil {
		c.peak = f
	}
}

// Add moves process pid into the cgroup.
func (c *Cgroup) Add(pid int) error {
	for _, dir := range c.dirs {
		if err := writeFile(filepath.Join(dir, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// Peak returns the highest memory use of the cgroup so far, in bytes; 0 if
// the kernel does not say (cgroup v2 before Linux 5.19).
func (c *Cgroup) Peak() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.peak == nil {
		return 0
	}
	var buf [32]byte
	n, _ := c.peak.ReadAt(buf[:], 0)
	v, _ := strconv.ParseInt(string(bytes.TrimSpace(buf[:n])), 10, 64)
	return v
}

// OOMKills returns how many processes the kernel killed in this cgroup for
// lack of memory.
func (c *Cgroup) OOMKills() int64 {
	f, err := os.Open(c.events)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "oom_kill "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// SetCPU changes the CPU limit to cores (0: none).
func (c *Cgroup) SetCPU(cores float64) error {
	return c.setCPU(Limits{CPU: cores}.cpuQuota())
}

// SetMemory changes the memory limit to bytes, without swap. Lowering it
// below the current use makes the kernel reclaim, and kill if it cannot.
// On cgroup v1 the peak is reset too.
func (c *Cgroup) SetMemory(bytes int64) error {
	if err := c.setMemory(bytes); err != nil {
		return err
	}
	c.mu.Lock()
	c.limit = bytes
	c.mu.Unlock()
	return nil
}

// SetBackground lowers the cgroup's CPU weight to the least (true) or sets
// it back to the default (false): a pre-warmed sandbox boots and waits in
// the background, yielding the CPU to instances that serve requests.
func (c *Cgroup) SetBackground(background bool) error {
	cpu := c.dirs[0]
	if len(c.dirs) > 1 { // v1: memory, cpu, pids
		cpu = c.dirs[1]
		return writeFile(filepath.Join(cpu, "cpu.shares"), map[bool]string{true: "2", false: "1024"}[background])
	}
	return writeFile(filepath.Join(cpu, "cpu.weight"), map[bool]string{true: "1", false: "100"}[background])
}

// SetPids changes the bound on processes and threads.
func (c *Cgroup) SetPids(n int) error {
	return writeFile(filepath.Join(c.dirs[len(c.dirs)-1], "pids.max"), strconv.Itoa(n))
}

// Current returns the cgroup's memory use now, in bytes; 0 if unknown.
func (c *Cgroup) Current() int64 {
	b, err := os.ReadFile(c.current)
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	return v
}

// MemoryLimit is the memory limit the cgroup was made with, in bytes.
func (c *Cgroup) MemoryLimit() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.limit
}

// Remove kills whatever still runs in the cgroup and removes it. A cgroup
// whose last process has just died may stay busy for a moment, so removal
// is retried for up to removeWait.
func (c *Cgroup) Remove() error {
	c.mu.Lock()
	if c.peak != nil {
		c.peak.Close()
		c.peak = nil
	}
	c.mu.Unlock()
	var errs []error
	for _, dir := range c.dirs {
		if err := removeCgroupDir(dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

const removeWait = 5 * time.Second

// idleSince says whether the cgroup has no process and was made more than
// age ago.
func (c *Cgroup) idleSince(age time.Duration) bool {
	fi, err := os.Stat(c.dirs[0])
	if err != nil || time.Since(fi.ModTime()) < age {
		return false
	}
	b, err := os.ReadFile(filepath.Join(c.dirs[0], "cgroup.procs"))
	return err == nil && len(bytes.TrimSpace(b)) == 0
}

// removeEmpty removes the cgroup's directories that have no process; it
// never kills anything.
func (c *Cgroup) removeEmpty() {
	for _, dir := range c.dirs {
		syscall.Rmdir(dir)
	}
}

func removeCgroupDir(dir string) error {
	deadline := time.Now().Add(removeWait)
	for delay := time.Millisecond; ; delay = min(2*delay, 50*time.Millisecond) {
		killAll(dir)
		err := syscall.Rmdir(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) || time.Now().After(deadline) {
			return fmt.Errorf("remove cgroup %s: %w", dir, err)
		}
		time.Sleep(delay)
	}
}

// killAll sends SIGKILL to every process listed in dir's cgroup.procs.
func killAll(dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return
	}
	for _, field := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(field); err == nil && pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// writeFile writes a cgroup control file.
func writeFile(path, value string) error {
	if err := os.WriteFile(path, []byte(value), 0); err != nil {
		return fmt.Errorf("cgroup: write %q to %s: %w", value, path, err)
	}
	return nil
}

// subdirs lists the directories in dir whose names start with prefix.
func subdirs(dir, prefix string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// PIDs lists the processes in the cgroup.
func (c *Cgroup) PIDs() []int {
	b, err := os.ReadFile(filepath.Join(c.dirs[0], "cgroup.procs"))
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out
}
