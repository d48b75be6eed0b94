package process

import (
	"bytes"
	"github.com/yun-fc/yun/internal/sandbox"
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

// Phases of an instance's life whose logs are framed by the engine.
const (
	phaseBoot       = "" // before the runtime listens: never shown
	phaseInvoke     = "Invoke"
	phaseInitialize = "Initialize"
	phasePreStop    = "PreStop"
)

// invLog is the log of one invocation, or of booting or a lifecycle hook.
type invLog struct {
	seq       uint64
	phase     string
	id        string      // request id
	sum       summary     // set under capture.mu before the end marker
	done      chan []byte // receives the lines once; nil when not collected
	abandoned atomic.Bool // the invocation stopped waiting for its lines
	unmarked  bool        // the start marker could not be written (the invoker's)

	// The reader's until delivered.
	lines   sandbox.LogTail
	idBytes []byte // id, made when first needed to attribute a line
}

// summary is what FC prints after an invocation's end marker.
type summary struct {
	elapsed   time.Duration
	memoryMB  int
	maxMemory int64 // bytes
}

// appendStart appends "FC Invoke Start RequestId: <id>".
func (lg *invLog) appendStart(b []byte) []byte {
	return append(append(append(append(b, "FC "...), lg.phase...), " Start RequestId: "...), lg.id...)
}

// appendEnd appends "FC Invoke End RequestId: <id>".
func (lg *invLog) appendEnd(b []byte) []byte {
	return append(append(append(append(b, "FC "...), lg.phase...), " End RequestId: "...), lg.id...)
}

// appendLine appends FC's "Duration: 17.45 ms, Billed Duration: 18 ms,
// Memory Size: 128 MB, Max Memory Used: 30.99 MB".
func (s summary) appendLine(b []byte) []byte {
	ms := float64(s.elapsed) / float64(time.Millisecond)
	b = strconv.AppendFloat(append(b, "Duration: "...), ms, 'f', 2, 64)
	b = strconv.AppendInt(append(b, " ms, Billed Duration: "...), int64(math.Ceil(ms)), 10)
	b = strconv.AppendInt(append(b, " ms, Memory Size: "...), int64(s.memoryMB), 10)
	b = strconv.AppendFloat(append(b, " MB, Max Memory Used: "...), float64(s.maxMemory)/(1<<20), 'f', 2, 64)
	return append(b, " MB"...)
}

// deliver hands the collected lines to the waiting invocation, once.
func (lg *invLog) deliver() {
	if lg.done != nil {
		lg.done <- bytes.Clone(lg.lines.Bytes())
	}
}

// parseSeq parses a decimal sequence number without allocating.
func parseSeq(b []byte) (uint64, bool) {
	var n uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + uint64(ch-'0')
	}
	return n, len(b) > 0
}
