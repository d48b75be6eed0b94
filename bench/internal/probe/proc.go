package probe

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat.
const userHZ = 100

// procStat is the part of /proc/PID/stat a probe uses.
type procStat struct {
	ppid int
	cpu  time.Duration // utime + stime
	sys  time.Duration // stime: in the kernel on the process's behalf
}

// parseStat reads a /proc/PID/stat line. The command name may hold spaces
// and parentheses, so fields are counted after the last ')'.
func parseStat(line string) (procStat, error) {
	end := strings.LastIndexByte(line, ')')
	if end < 0 {
		return procStat{}, fmt.Errorf("stat %q: no command name", line)
	}
	f := strings.Fields(line[end+1:])
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
	if len(f) < 13 {
		return procStat{}, fmt.Errorf("stat %q: %d fields after the name, want at least 13", line, len(f))
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return procStat{}, fmt.Errorf("stat %q: bad ppid, utime or stime", line)
	}
	return procStat{ppid: ppid, cpu: time.Duration(utime+stime) * time.Second / userHZ,
		sys: time.Duration(stime) * time.Second / userHZ}, nil
}

// readStat reads the stat of one process under procRoot (normally /proc).
func readStat(procRoot string, pid string) (procStat, error) {
	b, err := os.ReadFile(filepath.Join(procRoot, pid, "stat"))
	if err != nil {
		return procStat{}, err
	}
	return parseStat(string(b))
}

// CPUTime is the CPU time (user + system) process pid has used so far;
// "self" reads the calling process.
func CPUTime(pid string) (time.Duration, error) {
	total, _, err := CPUTimes(pid)
	return total, err
}

// CPUTimes is the CPU time process pid has used so far, in all and of it
// in the kernel (system time); "self" reads the calling process.
func CPUTimes(pid string) (total, sys time.Duration, err error) {
	st, err := readStat("/proc", pid)
	if err != nil {
		return 0, 0, fmt.Errorf("cpu time of %s: %w", pid, err)
	}
	return st.cpu, st.sys, nil
}

// children returns the child processes of ppid, each with the CPU time of
// its whole subtree (an instance may be a jail's init with the runtime as
// its child). Processes that exit during the scan are skipped.
func children(procRoot string, ppid int) (map[int]time.Duration, error) {
	all, err := scan(procRoot)
	if err != nil {
		return nil, fmt.Errorf("children of %d: %w", ppid, err)
	}
	kids := map[int][]int{}
	for pid, st := range all {
		kids[st.ppid] = append(kids[st.ppid], pid)
	}
	out := map[int]time.Duration{}
	for _, child := range kids[ppid] {
		out[child] = subtreeCPU(child, all, kids, 0)
	}
	return out, nil
}

// subtreeCPU sums the CPU of pid and its descendants (bounded in depth, in
// case of a pid reused into a cycle while scanning).
func subtreeCPU(pid int, all map[int]procStat, kids map[int][]int, depth int) time.Duration {
	cpu := all[pid].cpu
	if depth < 16 {
		for _, k := range kids[pid] {
			cpu += subtreeCPU(k, all, kids, depth+1)
		}
	}
	return cpu
}

// scan reads the stat of every process under procRoot.
func scan(procRoot string) (map[int]procStat, error) {
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil, err
	}
	all := map[int]procStat{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(procRoot, e.Name()); err == nil {
			all[pid] = st
		}
	}
	return all, nil
}

// ChildrenCPU is the CPU time the live children of pid and their
// descendants have used so far.
func ChildrenCPU(pid int) (time.Duration, error) {
	kids, err := children("/proc", pid)
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, cpu := range kids {
		total += cpu
	}
	return total, nil
}

// Children lists the process ids of the live children of pid, ascending.
func Children(pid int) ([]int, error) {
	kids, err := children("/proc", pid)
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(kids))
	for k := range kids {
		out = append(out, k)
	}
	slices.Sort(out)
	return out, nil
}

// MachineCPU returns the CPU time the whole machine has been busy (every
// state of /proc/stat's "cpu" line but idle and iowait), summed over its
// cores.
func MachineCPU(procRoot string) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join(procRoot, "stat"))
	if err != nil {
		return 0, fmt.Errorf("machine cpu: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, fmt.Errorf("machine cpu: unexpected first line %q of %s/stat", line, procRoot)
	}
	var busy int64
	for i, f := range fields[1:] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("machine cpu: field %d of %q: %w", i+1, line, err)
		}
		// user nice system idle iowait irq softirq steal guest guest_nice;
		// guest time is already counted in user.
		if i != 3 && i != 4 && i < 8 {
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / userHZ, nil
}
