package process

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// DefaultAnswerPoll is how long an exchange polls for its answer when the
// node is otherwise idle (Config.AnswerPoll).
const DefaultAnswerPoll = 100 * time.Microsecond

// quietWindow is how long a node must have run one exchange at a time
// before exchanges poll again.
const quietWindow = 10 * time.Millisecond

// answerPoll lets the only exchange in flight on a quiet node wait for its
// answer by polling its socket for a short while, instead of parking in
// Go's netpoller at once. A parked goroutine's thread goes to sleep, and
// waking it when the answer arrives costs tens of microseconds on a
// virtual machine (about 45 µs on the 2-vCPU host of the benchmarks);
// polling spends that time on a CPU nothing else wants. As soon as two
// exchanges overlap, nothing polls for quietWindow: under load the CPU is
// someone's, and a busy node wakes its threads cheaply anyway. Hosts with
// one CPU never poll.
type answerPoll struct {
	budget   time.Duration // 0: never poll
	inFlight atomic.Int32  // exchanges between their write and their answer's head
	busyAt   atomic.Int64  // when exchanges last overlapped, as now() saw it
	now      func() time.Duration
}

func newAnswerPoll(budget time.Duration) *answerPoll {
	if runtime.NumCPU() < 2 || budget < 0 {
		budget = 0
	}
	base := time.Now()
	p := &answerPoll{budget: budget, now: func() time.Duration { return time.Since(base) }}
	p.busyAt.Store(-int64(quietWindow)) // quiet from the start
	return p
}

// begin counts an exchange in; it reports whether the exchange may poll:
// it is alone, and has been for quietWindow. A nil answerPoll never polls.
func (p *answerPoll) begin() bool {
	if p == nil {
		return false
	}
	n, now := p.inFlight.Add(1), p.now()
	if n > 1 {
		p.busyAt.Store(int64(now))
		return false
	}
	return p.budget > 0 && now-time.Duration(p.busyAt.Load()) >= quietWindow
}

// end counts an exchange out.
func (p *answerPoll) end() {
	if p != nil {
		p.inFlight.Add(-1)
	}
}

// pollAnswer waits for c to have a byte to read, at most budget, with
// non-blocking peeks; the caller then reads as usual, parking if nothing
// came.
func (c *conn) pollAnswer(budget time.Duration) {
	if c.raw == nil || c.br.Buffered() > 0 {
		return
	}
	end := time.Now().Add(budget)
	c.raw.Read(func(fd uintptr) bool {
		for {
			_, _, errno := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&peekBuffer[0])), 1,
				syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
			// Anything but "nothing yet" (data, end of stream, an error)
			// is for the read to take.
			if errno != syscall.EAGAIN || time.Now().After(end) {
				return true
			}
		}
	})
}
