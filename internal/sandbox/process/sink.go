package process

import (
	"fmt"
	"io"
	"sync"

	"github.com/yun-fc/yun/internal/fc"
)

// sinkMax bounds the bytes of log lines waiting for Spec.Logs; beyond it
// lines are dropped and counted, so a slow consumer never stalls an instance.
const sinkMax = 1 << 20

// sink forwards log lines to an io.Writer from its own goroutine. A nil
// *sink discards everything.
type sink struct {
	w       io.Writer
	mu      sync.Mutex
	pending []byte // lines waiting for run, each ending in '\n'
	dropped int
	closed  bool
	wake    chan struct{} // capacity 1: a wake-up never blocks
	done    chan struct{} // closed when run returns
}

// newSink returns nil when w is nil.
func newSink(w io.Writer) *sink {
	if w == nil {
		return nil
	}
	return &sink{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// add queues one line (without its '\n').
func (s *sink) add(line []byte) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.closed || len(s.pending)+len(line)+1 > sinkMax {
		s.dropped++
	} else {
		s.pending = append(append(s.pending, line...), '\n')
	}
	s.mu.Unlock()
	s.notify()
}

func (s *sink) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run writes queued lines until close. It swaps buffers, so the lock is
// never held while writing.
func (s *sink) run() {
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

// shut stops accepting lines; run writes the queued ones and returns.
func (s *sink) shut() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.notify()
}

// tail keeps the last fc.MaxTailLog bytes of the lines added to it.
type tail struct{ b []byte }

func (t *tail) add(line []byte) {
	t.b = append(append(t.b, line...), '\n')
	t.trim()
}

// trim compacts at twice the limit, so adding stays amortised O(1) a byte.
func (t *tail) trim() {
	if len(t.b) > 2*fc.MaxTailLog {
		t.b = t.b[:copy(t.b, t.b[len(t.b)-fc.MaxTailLog:])]
	}
}

// bytes returns the last fc.MaxTailLog bytes.
func (t *tail) bytes() []byte {
	if len(t.b) > fc.MaxTailLog {
		return t.b[len(t.b)-fc.MaxTailLog:]
	}
	return t.b
}
