package wasm

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// maxLine is FC's log line limit; longer lines are split.
const maxLine = 32 << 10

// invocationLog is the log of one invocation: the engine's FC Invoke
// Start/End lines around what the guest wrote to stderr. Every line goes to
// the instance's sink; when the caller asked for it, the last fc.MaxTailLog
// bytes are kept too. It is the guest's stderr, written by one goroutine at
// a time (wazero's, then the invoker's), so it needs no lock.
type invocationLog struct {
	sink    *sink
	tail    *tail // nil when the caller did not ask for the log
	partial []byte
}

func newInvocationLog(s *sink, requestID string, keep bool) *invocationLog {
	l := &invocationLog{sink: s}
	if keep {
		l.tail = &tail{}
	}
	l.line([]byte("FC Invoke Start RequestId: " + requestID))
	return l
}

// Write implements io.Writer for the guest's stderr.
func (l *invocationLog) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.partial = append(l.partial, p...)
			for len(l.partial) >= maxLine {
				l.line(l.partial[:maxLine])
				l.partial = l.partial[:copy(l.partial, l.partial[maxLine:])]
			}
			break
		}
		if len(l.partial) > 0 {
			l.line(append(l.partial, p[:i]...))
			l.partial = l.partial[:0]
		} else {
			l.line(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

// end flushes a partial line, adds lines and returns the tail, if kept.
func (l *invocationLog) end(lines ...string) []byte {
	if len(l.partial) > 0 {
		l.line(l.partial)
		l.partial = nil
	}
	for _, s := range lines {
		l.line([]byte(s))
	}
	if l.tail == nil {
		return nil
	}
	return l.tail.bytes()
}

// line records one line, split at maxLine.
func (l *invocationLog) line(b []byte) {
	for len(b) > maxLine {
		l.line(b[:maxLine])
		b = b[maxLine:]
	}
	l.sink.add(b)
	if l.tail != nil {
		l.tail.add(b)
	}
}

// tail keeps the last fc.MaxTailLog bytes of the lines added to it.
type tail struct{ b []byte }

func (t *tail) add(line []byte) {
	t.b = append(append(t.b, line...), '\n')
	// Compact at twice the limit, so adding stays amortised O(1) a byte.
	if len(t.b) > 2*fc.MaxTailLog {
		t.b = t.b[:copy(t.b, t.b[len(t.b)-fc.MaxTailLog:])]
	}
}

// bytes returns a copy of the last fc.MaxTailLog bytes.
func (t *tail) bytes() []byte {
	return bytes.Clone(t.b[max(0, len(t.b)-fc.MaxTailLog):])
}

// durationLine is FC's summary after "FC Invoke End".
func durationLine(d time.Duration, memoryMB int, maxMemory int64) string {
	ms := float64(d) / float64(time.Millisecond)
	return fmt.Sprintf("Duration: %.2f ms, Billed Duration: %d ms, Memory Size: %d MB, Max Memory Used: %s MB",
		ms, int64(math.Ceil(ms)), memoryMB, strconv.FormatFloat(float64(maxMemory)/(1<<20), 'f', 2, 64))
}
