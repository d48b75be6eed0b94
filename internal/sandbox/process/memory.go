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
)

// memoryFresh is how long a reading is reused. Generating /proc/PID/status
// costs the kernel some 10 µs, as much as the rest of the engine's share of
// an invocation; a high-water mark only grows, so a reading this young is
// close enough under load and always fresh for sparse invocations.
const memoryFresh = 50 * time.Millisecond

// memoryMeter reads the peak resident set size of the instance's main
// process from /proc/PID/status (VmHWM), keeping the file open so that a
// reading is one pread. It serves instances without the sandbox, where the
// main process stands for the whole group; sandboxed instances read their
// cgroup's peak instead.
type memoryMeter struct {
	last   atomic.Int64 // bytes
	readAt atomic.Int64 // unix nanoseconds of last

	mu  sync.Mutex // guards f and buf
	f   *os.File
	buf [4096]byte
}

func openMemoryMeter(pid int) (*memoryMeter, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, fmt.Errorf("memory meter: %w", err)
	}
	return &memoryMeter{f: f}, nil
}

// peak returns the peak RSS in bytes, read at most memoryFresh ago; while
// another goroutine reads, the previous reading.
func (m *memoryMeter) peak() int64 {
	now := time.Now().UnixNano()
	if now-m.readAt.Load() < int64(memoryFresh) || !m.mu.TryLock() {
		return m.last.Load()
	}
	defer m.mu.Unlock()
	if m.f == nil {
		return m.last.Load()
	}
	if n, err := m.f.ReadAt(m.buf[:], 0); n > 0 || err == nil {
		if v := parseVmHWM(m.buf[:n]); v > 0 {
			m.last.Store(v)
		}
	}
	m.readAt.Store(now)
	return m.last.Load()
}

func (m *memoryMeter) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.f != nil {
		m.f.Close()
		m.f = nil
	}
}

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
