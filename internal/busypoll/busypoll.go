// Package busypoll lets a goroutine that waits for a socket poll it for a
// short while instead of parking in Go's netpoller, when the node is quiet.
//
// A parked goroutine's thread goes to sleep, and waking it when the bytes
// arrive costs tens of microseconds on a virtual machine (about 45 µs on
// the 2-vCPU host of Yun's benchmarks): the scheduler has to wake an idle
// vCPU and a sleeping thread. Polling with non-blocking peeks spends that
// time on a CPU nothing else wants. That is only true of a quiet node: as
// soon as two activities overlap, a Poller refuses to poll for Window, so
// that under load no CPU is burnt (and a busy node wakes its threads
// cheaply anyway). Hosts with one CPU never poll: the CPU a poll would
// spend is the one the awaited work needs.
package busypoll

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Window is how long a Poller must have seen one activity at a time
// before it polls again.
const Window = 10 * time.Millisecond

// Poller counts the activities of one kind in progress (exchanges with
// instances, requests being answered) and polls for those that wait
// alone. Its methods may be called on nil: a nil Poller never polls.
type Poller struct {
	budget   time.Duration
	inFlight atomic.Int32
	busyAt   atomic.Int64 // when activities last overlapped, as now saw it
	now      func() time.Duration
}

// New returns a Poller that polls for at most budget; nil when budget is
// not positive or the host has one CPU.
func New(budget time.Duration) *Poller {
	if budget <= 0 || runtime.NumCPU() < 2 {
		return nil
	}
	base := time.Now()
	p := &Poller{budget: budget, now: func() time.Duration { return time.Since(base) }}
	p.busyAt.Store(-int64(Window)) // quiet from the start
	return p
}

// Enter counts an activity in; it reports whether the activity may poll:
// it is the only one, and has been for Window.
func (p *Poller) Enter() bool {
	if p == nil {
		return false
	}
	n, now := p.inFlight.Add(1), p.now()
	if n > 1 {
		p.busyAt.Store(int64(now))
		return false
	}
	return now-time.Duration(p.busyAt.Load()) >= Window
}

// Exit counts an activity out.
func (p *Poller) Exit() {
	if p != nil {
		p.inFlight.Add(-1)
	}
}

// Quiet reports whether nothing is in progress and nothing overlapped
// within Window: an activity that just ended may poll for the next.
func (p *Poller) Quiet() bool {
	return p != nil && p.inFlight.Load() == 0 && p.now()-time.Duration(p.busyAt.Load()) >= Window
}

// peekBuffer receives the byte a peek finds; it is never read.
var peekBuffer [1]byte

// Wait polls raw until it has something to read (bytes, end of stream or
// an error), at most the budget. The caller then reads as usual, and
// parks if nothing came.
func (p *Poller) Wait(raw syscall.RawConn) {
	if p == nil || raw == nil {
		return
	}
	end := time.Now().Add(p.budget)
	raw.Read(func(fd uintptr) bool {
		for {
			_, _, errno := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&peekBuffer[0])), 1,
				syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
			if errno != syscall.EAGAIN || time.Now().After(end) {
				return true
			}
		}
	})
}
