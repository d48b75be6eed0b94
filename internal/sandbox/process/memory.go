package process

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// memoryFresh is how long a reading is reused. A reading is a syscall (a
// pread of memory.peak, or /proc/PID/status, which costs the kernel some
// 10 µs to generate), a visible share of the engine's part of a warm
// invocation; a high-water mark only grows, so a reading this young is
// close enough under load and always fresh for sparse invocations.
const memoryFresh = 50 * time.Millisecond

// memoryMeter reads an instance's peak memory use at most once per
// memoryFresh. Its source is the cgroup's memory.peak in the sandbox, else
// the main process's VmHWM, which stands for the whole group.
type memoryMeter struct {
	last   atomic.Int64 // bytes
	readAt atomic.Int64 // unix nanoseconds of last

	mu     sync.Mutex // serialises readings with close
	source peakSource // nil once closed
}

// peakSource is where a memoryMeter reads: a peak in bytes, 0 if unknown.
type peakSource interface {
	peak() int64
	close()
}

func newMemoryMeter(s peakSource) *memoryMeter { return &memoryMeter{source: s} }

// openMemoryMeter meters process pid by its VmHWM.
func openMemoryMeter(pid int) (*memoryMeter, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, fmt.Errorf("memory meter: %w", err)
	}
	return newMemoryMeter(&vmHWM{f: f}), nil
}

// peak returns the peak in bytes, read at most memoryFresh ago; while
// another goroutine reads, the previous reading, or, when there is none
// yet, the one it reads.
func (m *memoryMeter) peak() int64 {
	now := time.Now().UnixNano()
	if now-m.readAt.Load() < int64(memoryFresh) {
		return m.last.Load()
	}
	if m.readAt.Load() == 0 {
		m.mu.Lock() // the first reading: wait for it rather than answer 0
	} else if !m.mu.TryLock() {
		return m.last.Load()
	}
	defer m.mu.Unlock()
	if m.source == nil || now-m.readAt.Load() < int64(memoryFresh) {
		return m.last.Load() // closed, or read while this one waited
	}
	if v := m.source.peak(); v > 0 {
		m.last.Store(v)
	}
	m.readAt.Store(now)
	return m.last.Load()
}

func (m *memoryMeter) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.source != nil {
		m.source.close()
		m.source = nil
	}
}

// vmHWM reads /proc/PID/status, kept open so that a reading is one pread.
type vmHWM struct {
	f   *os.File
	buf [4096]byte
}

func (v *vmHWM) peak() int64 {
	n, err := v.f.ReadAt(v.buf[:], 0)
	if n == 0 && err != nil {
		return 0
	}
	return parseVmHWM(v.buf[:n])
}

func (v *vmHWM) close() { v.f.Close() }

// cgroupPeak reads the sandbox's cgroup; the confinement closes it.
type cgroupPeak struct{ c *jail.Cgroup }

func (c cgroupPeak) peak() int64 { return c.c.Peak() }
func (cgroupPeak) close()        {}

// parseVmHWM finds "VmHWM:\t  1234 kB" and returns bytes; 0 if absent.
func parseVmHWM(status []byte) int64 {
	const key = "VmHWM:"
	i := bytes.Index(status, []byte(key))
	if i < 0 {
		return 0
	}
	var kb int64
	for _, ch := range status[i+len(key):] {
		switch {
		case ch == ' ' || ch == '\t':
			if kb > 0 {
				return kb << 10
			}
		case ch >= '0' && ch <= '9':
			kb = kb*10 + int64(ch-'0')
		default:
			return kb << 10
		}
	}
	return kb << 10
}

// maxRSS returns the peak RSS of an exited process, from its rusage.
func maxRSS(state *os.ProcessState) int64 {
	if state == nil {
		return 0
	}
	if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10 // KiB on Linux
	}
	return 0
}

// pss is the proportional set size of process pid in bytes; 0 if unknown.
func pss(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Pss:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
