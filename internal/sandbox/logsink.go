package sandbox

import (
	"fmt"
	"io"
	"sync"

	"github.com/yun-fc/yun/internal/fc"
)

// logSinkMax bounds the bytes of log lines waiting for Spec.Logs; beyond it
// lines are dropped and counted, so a slow consumer never stalls an instance.
const logSinkMax = 1 << 20

// LogSink forwards an instance's log lines (Spec.Logs) to an io.Writer from
// its own goroutine, Run, which the owner starts. Lines beyond a bound are
// dropped and counted, so a slow consumer never stalls an instance. A nil
// *LogSink discards everything.
type LogSink struct {
	w       io.Writer
	mu      sync.Mutex
	pending []byte // lines waiting for run, each ending in '\n'
	dropped int
	closed  bool
	wake    chan struct{} // capacity 1: a wake-up never blocks
	done    chan struct{} // closed when run returns
}

// NewLogSink returns nil when w is nil.
func NewLogSink(w io.Writer) *LogSink {
	if w == nil {
		return nil
	}
	return &LogSink{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// Add queues one line (without its '\n').
func (s *LogSink) Add(line []byte) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.closed || len(s.pending)+len(line)+1 > logSinkMax {
		s.dropped++
	} else {
		s.pending = append(append(s.pending, line...), '\n')
	}
	s.mu.Unlock()
	s.notify()
}

func (s *LogSink) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run writes queued lines until Shut. It swaps buffers, so the lock is
// never held while writing.
func (s *LogSink) Run() {
	defer close(s.done)
	var spare []byte
	for range s.wake {
		s.mu.Lock()
		out, dropped, closed := s.pending, s.dropped, s.closed
		s.pending, s.dropped = spare[:0], 0
		s.mu.Unlock()
		if len(out) > 0 {
			s.w.Write(out) //nolint:errcheck // a failing log consumer must not stop the instance
		}
		if dropped > 0 {
			fmt.Fprintf(s.w, "yun: dropped %d log lines (the log consumer is too slow)\n", dropped)
		}
		spare = out
		if closed {
			return
		}
	}
}

// Shut stops accepting lines; Run writes the queued ones and returns.
func (s *LogSink) Shut() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.notify()
}

// LogTail keeps the last fc.MaxTailLog bytes of the lines added to it: an
// invocation's log for x-fc-log-result.
type LogTail struct{ b []byte }

// Add appends one line (without its '\n').
func (t *LogTail) Add(line []byte) {
	t.b = append(append(t.b, line...), '\n')
	t.trim()
}

// Write appends lines that are already formatted (each ending in '\n').
func (t *LogTail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	t.trim()
	return len(p), nil
}

// trim compacts at twice the limit, so adding stays amortised O(1) a byte.
func (t *LogTail) trim() {
	if len(t.b) > 2*fc.MaxTailLog {
		t.b = t.b[:copy(t.b, t.b[len(t.b)-fc.MaxTailLog:])]
	}
}

// Bytes returns the last fc.MaxTailLog bytes.
func (t *LogTail) Bytes() []byte {
	if len(t.b) > fc.MaxTailLog {
		return t.b[len(t.b)-fc.MaxTailLog:]
	}
	return t.b
}

// Done is closed when Run has written everything and returned.
func (s *LogSink) Done() <-chan struct{} { return s.done }
