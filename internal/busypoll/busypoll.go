// Package busypoll lets a goroutine that waits for a socket poll it for a
// short while instead of parking in Go's netpoller, when the node is quiet.
//
// A parked goroutine's thread goes to sleep, and waking it when the bytes
// arrive costs tens of microseconds on a virtual machine (about 45 µs on
// the 2-vCPU host of Yun's benchmarks): the kernel has to wake an idle
// vCPU and a sleeping thread. Polling with non-blocking peeks spends that
// time on a CPU nothing else wants. That is only true of a quiet node, so
// a Poller polls only while activities come one at a time: each kind of
// activity (requests answered, exchanges with instances) counts itself in
// at a Gate, and once two of a kind overlap, or a wait finds another
// polling, nothing polls for Window. At most one goroutine polls at a
// time, and never with fewer than two Ps: the CPU a poll would spend is
// the one the awaited work needs.
package busypoll

import (
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Window is how long a node must have seen activities one at a time
// before it polls again.
const Window = 10 * time.Millisecond

// Poller decides for a node when a wait may poll, and polls. Its methods,
// and its Gates', may be called on nil: a nil Poller never polls.
type Poller struct {
	budget  time.Duration
	busyAt  atomic.Int64 // when activities last overlapped, as now saw it
	polling atomic.Bool  // a goroutine is polling
	now     func() time.Duration
}

// New returns a Poller whose waits poll for at most budget; nil when
// budget is not positive or GOMAXPROCS is 1.
func New(budget time.Duration) *Poller {
	if budget <= 0 || runtime.GOMAXPROCS(0) < 2 {
		return nil
	}
	base := time.Now()
	p := &Poller{budget: budget, now: func() time.Duration { return time.Since(base) }}
	p.busyAt.Store(-int64(Window)) // quiet from the start
	return p
}

// busy records an overlap now.
func (p *Poller) busy() { p.busyAt.Store(int64(p.now())) }

// quietFor reports whether no overlap happened within Window.
func (p *Poller) quietFor() bool { return p.now()-time.Duration(p.busyAt.Load()) >= Window }

// Gate counts one kind of activity in progress.
type Gate struct {
	p        *Poller
	inFlight atomic.Int32
}

// Gate returns a new Gate of p; nil for a nil Poller.
func (p *Poller) Gate() *Gate {
	if p == nil {
		return nil
	}
	return &Gate{p: p}
}

// Enter counts an activity in; it reports whether the activity may poll:
// it is the only one of its kind, and the node has been quiet for Window.
func (g *Gate) Enter() bool {
	if g == nil {
		return false
	}
	if g.inFlight.Add(1) > 1 {
		g.p.busy()
		return false
	}
	return g.p.quietFor()
}

// Exit counts an activity out.
func (g *Gate) Exit() {
	if g != nil {
		g.inFlight.Add(-1)
	}
}

// Quiet reports whether no activity of g's kind is in progress and the
// node has been quiet for Window: one that just ended may poll for the
// next.
func (g *Gate) Quiet() bool {
	return g != nil && g.inFlight.Load() == 0 && g.p.quietFor()
}

// Wait is the Poller's Wait.
func (g *Gate) Wait(raw syscall.RawConn) {
	if g != nil {
		g.p.Wait(raw)
	}
}

// peekBuffer receives the byte a peek finds; it is never read.
var peekBuffer [1]byte

// Wait polls raw until it has something to read (bytes, end of stream or
// an error), at most the budget, and no longer than activities keep from
// overlapping; the caller then reads as usual, and parks if nothing came.
// A Wait that finds another goroutine polling records an overlap and
// returns at once.
func (p *Poller) Wait(raw syscall.RawConn) {
	if p == nil || raw == nil {
		return
	}
	if !p.polling.CompareAndSwap(false, true) {
		p.busy()
		return
	}
	defer p.polling.Store(false)
	end, busyAt := time.Now().Add(p.budget), p.busyAt.Load()
	raw.Read(func(fd uintptr) bool {
		for {
			_, _, errno := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&peekBuffer[0])), 1,
				syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
			// Anything but "nothing yet" is for the read to take; an
			// overlap meanwhile means the CPU is wanted.
			if errno != syscall.EAGAIN || time.Now().After(end) || p.busyAt.Load() != busyAt {
				return true
			}
		}
	})
}
