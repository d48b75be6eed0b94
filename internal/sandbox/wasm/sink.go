package wasm

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// sinkMax bounds the bytes of log lines waiting for Spec.Logs; beyond it
// lines are dropped and counted, so a slow consumer never stalls a guest.
const sinkMax = 1 << 20

// sink forwards an instance's log lines to Spec.Logs from its own
// goroutine, in the order they were added. A nil *sink discards everything.
type sink struct {
	w       io.Writer
	mu      sync.Mutex
	pending []byte // lines waiting for run, each ending in '\n'
	dropped int
	closed  bool
	wake    chan struct{} // capacity 1: a wake-up never blocks
	done    chan struct{} // closed when run returns
}

// newSink starts a sink writing to w; nil when w is nil.
func newSink(w io.Writer) *sink {
	if w == nil {
		return nil
	}
	s := &sink{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go s.run()
	return s
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
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run writes queued lines until shut. It swaps buffers, so the lock is
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

// shut stops accepting lines and waits, at most until ctx ends, for run to
// write the queued ones.
func (s *sink) shut(ctx context.Context) error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flush logs: %w", ctx.Err())
	}
}
