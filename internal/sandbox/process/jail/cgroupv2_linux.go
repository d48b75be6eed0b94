package jail

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// v2Controllers are the controllers a jail's v2 cgroup needs.
var v2Controllers = []string{"memory", "cpu", "pids"}

// cgroupV2 makes cgroups in the unified hierarchy: <mount>/<parent>/<name>.
// The parent holds no process, so it may delegate controllers (the "no
// internal processes" rule); the mount's root is exempt from that rule.
type cgroupV2 struct {
	mount, parent string // parent is <mount>/<parent name>
}

func (cgroupV2) version() int { return 2 }

// prepare makes the parent and enables the controllers for its children.
func (d cgroupV2) prepare() error {
	if err := os.MkdirAll(d.parent, 0o755); err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	for _, dir := range []string{d.mount, d.parent} {
		if err := enableControllers(dir); err != nil {
			return err
		}
	}
	return nil
}

// enableControllers adds the missing v2Controllers to dir's subtree_control.
func enableControllers(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
	if err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	enabled := strings.Fields(string(b))
	var add []string
	for _, c := range v2Controllers {
		if !contains(enabled, c) {
			add = append(add, "+"+c)
		}
	}
	if len(add) == 0 {
		return nil
	}
	return writeFile(filepath.Join(dir, "cgroup.subtree_control"), strings.Join(add, " "))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (d cgroupV2) create(name string, l Limits) (_ *Cgroup, err error) {
	dir := filepath.Join(d.parent, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	c := &Cgroup{dirs: []string{dir}, events: filepath.Join(dir, "memory.events"), limit: l.MemoryBytes,
		setCPU:    func(quota int64) error { return setQuotaV2(dir, quota) },
		setMemory: func(bytes int64) error { return setMemoryV2(dir, bytes) },
		current:   filepath.Join(dir, "memory.current")}
	if err := d.apply(dir, l); err != nil {
		c.Remove()
		return nil, err
	}
	c.openPeak(filepath.Join(dir, "memory.peak")) // since Linux 5.19
	return c, nil
}

// setMemoryV2 changes the memory limit (swap stays off).
func setMemoryV2(dir string, bytes int64) error {
	return writeFile(filepath.Join(dir, "memory.max"), strconv.FormatInt(bytes, 10))
}

func (cgroupV2) apply(dir string, l Limits) error {
	if l.MemoryBytes > 0 {
		if err := writeFile(filepath.Join(dir, "memory.max"), strconv.FormatInt(l.MemoryBytes, 10)); err != nil {
			return err
		}
		// Absent when the kernel has no swap accounting.
		if swap := filepath.Join(dir, "memory.swap.max"); exists(swap) {
			if err := writeFile(swap, "0"); err != nil {
				return err
			}
		}
	}
	if q := l.cpuQuota(); q > 0 {
		if err := setQuotaV2(dir, q); err != nil {
			return err
		}
	}
	if l.Pids > 0 {
		return writeFile(filepath.Join(dir, "pids.max"), strconv.Itoa(l.Pids))
	}
	return nil
}

// setQuotaV2 writes cpu.max; a zero quota means none ("max").
func setQuotaV2(dir string, quota int64) error {
	v := "max"
	if quota > 0 {
		v = strconv.FormatInt(quota, 10)
	}
	return writeFile(filepath.Join(dir, "cpu.max"), v+" "+strconv.FormatInt(cpuPeriod.Microseconds(), 10))
}

func (d cgroupV2) leftovers(prefix string) ([]*Cgroup, error) {
	names, err := subdirs(d.parent, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]*Cgroup, len(names))
	for i, n := range names {
		out[i] = &Cgroup{dirs: []string{filepath.Join(d.parent, n)}}
	}
	return out, nil
}
