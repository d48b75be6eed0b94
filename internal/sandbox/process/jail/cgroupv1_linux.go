package jail

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// cgroupV1 makes cgroups in the memory, cpu and pids hierarchies of
// cgroup v1: <mount>/<parent>/<name> in each.
type cgroupV1 struct {
	memory, cpu, pids string // <mount>/<parent> of each controller
}

func (cgroupV1) version() int { return 1 }

func (d cgroupV1) create(name string, l Limits) (_ *Cgroup, err error) {
	c := &Cgroup{limit: l.MemoryBytes}
	defer func() {
		if err != nil {
			c.Remove()
		}
	}()
	for _, parent := range []string{d.memory, d.cpu, d.pids} {
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return nil, fmt.Errorf("cgroup: %w", err)
		}
		dir := filepath.Join(parent, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cgroup: %w", err)
		}
		c.dirs = append(c.dirs, dir)
	}
	mem, cpu := c.dirs[0], c.dirs[1]
	c.events = filepath.Join(mem, "memory.oom_control")
	c.setCPU = func(quota int64) error { return setQuotaV1(cpu, quota) }
	c.setMemory = func(bytes int64) error { return setMemoryV1(mem, bytes) }
	c.current = filepath.Join(mem, "memory.usage_in_bytes")
	if err := d.apply(c, l); err != nil {
		return nil, err
	}
	c.openPeak(filepath.Join(mem, "memory.max_usage_in_bytes"))
	return c, nil
}

// apply writes the limits. The memory limit goes first: the memory+swap
// limit may not be below it, and equal to it means no swap.
func (d cgroupV1) apply(c *Cgroup, l Limits) error {
	mem, cpu, pids := c.dirs[0], c.dirs[1], c.dirs[2]
	if l.MemoryBytes > 0 {
		v := strconv.FormatInt(l.MemoryBytes, 10)
		if err := writeFile(filepath.Join(mem, "memory.limit_in_bytes"), v); err != nil {
			return err
		}
		// Absent when the kernel does not account swap (swapaccount=0).
		if memsw := filepath.Join(mem, "memory.memsw.limit_in_bytes"); exists(memsw) {
			if err := writeFile(memsw, v); err != nil {
				return err
			}
		}
		writeFile(filepath.Join(mem, "memory.swappiness"), "0") // refused at some roots; best effort
		if err := setTCPMemoryV1(mem, v); err != nil {
			return err
		}
	}
	if q := l.cpuQuota(); q > 0 {
		if err := setQuotaV1(cpu, q); err != nil {
			return err
		}
	}
	if l.Pids > 0 {
		return writeFile(filepath.Join(pids, "pids.max"), strconv.Itoa(l.Pids))
	}
	return nil
}

// setMemoryV1 changes the memory limit, keeping memory+swap equal to it
// (no swap). The memory+swap limit may never be below the memory limit, so
// which goes first depends on the direction; writing memsw around the
// memory limit covers both.
func setMemoryV1(mem string, bytes int64) error {
	v := strconv.FormatInt(bytes, 10)
	memsw := filepath.Join(mem, "memory.memsw.limit_in_bytes")
	hasSwap := exists(memsw)
	if hasSwap {
		writeFile(memsw, v) // fails when lowering; done again below
	}
	if err := writeFile(filepath.Join(mem, "memory.limit_in_bytes"), v); err != nil {
		return err
	}
	if hasSwap {
		if err := writeFile(memsw, v); err != nil {
			return err
		}
	}
	if err := setTCPMemoryV1(mem, v); err != nil {
		return err
	}
	writeFile(filepath.Join(mem, "memory.max_usage_in_bytes"), "0") // resets the peak
	return nil
}

// setTCPMemoryV1 bounds the memory of the cgroup's TCP socket buffers.
// cgroup v1 does not charge them to memory.limit_in_bytes: unbounded, a
// function could queue gigabytes in loopback sockets and exhaust the host's
// global TCP memory (net.ipv4.tcp_mem), starving every TCP connection of the
// host. The first write also turns on the accounting, for sockets made from
// then on (the limits are written before the jail's process joins). A kernel
// without TCP accounting in v1 lacks the file (ENOENT) or refuses it
// (EINVAL, EOPNOTSUPP): the limit then stays unenforced, as before. Lowering
// it below what the sockets hold fails (EBUSY), like the memory limit would.
func setTCPMemoryV1(mem, v string) error {
	err := writeFile(filepath.Join(mem, "memory.kmem.tcp.limit_in_bytes"), v)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EOPNOTSUPP) {
		return nil
	}
	return err
}

// setQuotaV1 sets the CFS period and quota of the cpu cgroup dir; a zero
// quota means none (-1).
func setQuotaV1(dir string, quota int64) error {
	if err := writeFile(filepath.Join(dir, "cpu.cfs_period_us"), strconv.FormatInt(cpuPeriod.Microseconds(), 10)); err != nil {
		return err
	}
	if quota <= 0 {
		quota = -1
	}
	return writeFile(filepath.Join(dir, "cpu.cfs_quota_us"), strconv.FormatInt(quota, 10))
}

func (d cgroupV1) leftovers(prefix string) ([]*Cgroup, error) {
	names, err := subdirs(d.memory, prefix)
	if err != nil {
		return nil, err
	}
	for _, parent := range []string{d.cpu, d.pids} { // a crash may leave some controllers only
		more, err := subdirs(parent, prefix)
		if err != nil {
			return nil, err
		}
		names = append(names, more...)
	}
	seen := map[string]bool{}
	var out []*Cgroup
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, &Cgroup{dirs: []string{filepath.Join(d.memory, n), filepath.Join(d.cpu, n), filepath.Join(d.pids, n)}})
		}
	}
	return out, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
