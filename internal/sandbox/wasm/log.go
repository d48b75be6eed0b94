package wasm

import (
	"bytes"
	"fmt"
	"github.com/yun-fc/yun/internal/sandbox"
	"math"
	"strconv"
	"time"
)

// maxLine is FC's log line limit; longer lines are split.
const maxLine = 32 << 10

// invocationLog is the log of one invocation: the engine's FC Invoke
// Start/End lines around what the guest wrote to stderr. Every line goes to
// the instance's sink; when the caller asked for it, the last fc.MaxTailLog
// bytes are kept too. It is the guest's stderr, written by one goroutine at
// a time (wazero's, then the invoker's), so it needs no lock.
type invocationLog struct {
	sink    *sandbox.LogSink
	tail    *sandbox.LogTail // nil when the caller did not ask for the log
	partial []byte
}

func newInvocationLog(s *sandbox.LogSink, requestID string, keep bool) *invocationLog {
	l := &invocationLog{sink: s}
	if keep {
		l.tail = &sandbox.LogTail{}
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
	return bytes.Clone(l.tail.Bytes())
}

// line records one line, split at maxLine.
func (l *invocationLog) line(b []byte) {
	for len(b) > maxLine {
		l.line(b[:maxLine])
		b = b[maxLine:]
	}
	l.sink.Add(b)
	if l.tail != nil {
		l.tail.Add(b)
	}
}

// durationLine is FC's summary after "FC Invoke End".
func durationLine(d time.Duration, memoryMB int, maxMemory int64) string {
	ms := float64(d) / float64(time.Millisecond)
	return fmt.Sprintf("Duration: %.2f ms, Billed Duration: %d ms, Memory Size: %d MB, Max Memory Used: %s MB",
		ms, int64(math.Ceil(ms)), memoryMB, strconv.FormatFloat(float64(maxMemory)/(1<<20), 'f', 2, 64))
}
