package busypoll

import (
	"bufio"
	"io"
	"net"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// onFakeClock returns a Poller whose clock is *clock, which starts at
// Window; it skips the test where nothing polls.
func onFakeClock(t *testing.T, budget time.Duration) (p *Poller, clock *time.Duration) {
	t.Helper()
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("GOMAXPROCS 1: never polls")
	}
	p, clock = New(budget), new(time.Duration)
	*clock = Window
	p.now = func() time.Duration { return *clock }
	return p, clock
}

func TestGateOnlyForTheSoleActivityOfAQuietNode(t *testing.T) {
	p, clock := onFakeClock(t, time.Millisecond)
	g, other := p.Gate(), p.Gate()
	if !g.Enter() {
		t.Fatal("the only activity may not poll")
	}
	if !other.Enter() {
		t.Fatal("the only activity of another kind may not poll")
	}
	other.Exit()
	if g.Enter() {
		t.Fatal("a second activity of a kind in progress may poll")
	}
	g.Exit()
	if g.Quiet() {
		t.Fatal("quiet with an activity in progress")
	}
	g.Exit()
	*clock += Window - 1
	if g.Enter() || other.Enter() {
		t.Fatal("within Window of an overlap, an activity polls")
	}
	g.Exit()
	other.Exit()
	if g.Quiet() {
		t.Fatal("quiet within Window of an overlap")
	}
	(*clock)++
	if !g.Quiet() {
		t.Fatal("not quiet after Window alone")
	}
	if !g.Enter() {
		t.Fatal("alone for Window, the activity may not poll")
	}
	g.Exit()
}

func TestNilPollerNeverPolls(t *testing.T) {
	for _, budget := range []time.Duration{0, -1} {
		p := New(budget)
		if p != nil {
			t.Fatalf("New(%v) = %+v, want nil", budget, p)
		}
		g := p.Gate()
		if g.Enter() || g.Quiet() {
			t.Fatal("a nil Poller's Gate polls")
		}
		g.Exit()
		p.Wait(nil)
	}
}

// One goroutine polls at a time; a second wait is an overlap.
func TestOnePollerAtATime(t *testing.T) {
	p, _ := onFakeClock(t, time.Minute)
	_, raw := answering(t, 200*time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Wait(raw) // polls until the answer comes
	}()
	for !p.polling.Load() {
		time.Sleep(time.Millisecond)
	}
	_, raw2 := answering(t, time.Minute)
	p.Wait(raw2) // returns at once: the other is polling
	if g := p.Gate(); g.Quiet() {
		t.Fatal("two waits at once left the node quiet")
	}
	<-done
}

// answering dials a server that sends "late" after delay, or closes at
// once when delay is negative, and returns the client's side.
func answering(t *testing.T, delay time.Duration) (net.Conn, syscall.RawConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		if delay < 0 {
			return
		}
		time.Sleep(delay)
		io.WriteString(c, "late")
		io.Copy(io.Discard, c)
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	raw, err := nc.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	return nc, raw
}

// readable peeks without waiting.
func readable(raw syscall.RawConn) bool {
	var errno syscall.Errno
	raw.Read(func(fd uintptr) bool {
		_, _, errno = syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&peekBuffer[0])), 1,
			syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
		return true
	})
	return errno == 0
}

func TestWaitGivesUpAfterItsBudget(t *testing.T) {
	nc, raw := answering(t, time.Second)
	p := &Poller{budget: time.Millisecond, now: func() time.Duration { return 0 }}
	p.Wait(raw)
	if readable(raw) {
		t.Fatal("Wait waited for bytes sent a second later")
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(bufio.NewReader(nc), b); err != nil || string(b) != "late" { // the read parks as usual
		t.Fatalf("read after polling: %q, %v", b, err)
	}
}

func TestWaitReturnsWithTheBytes(t *testing.T) {
	_, raw := answering(t, 20*time.Millisecond)
	p := &Poller{budget: time.Minute, now: func() time.Duration { return 0 }} // returns when the bytes are there
	p.Wait(raw)
	if !readable(raw) {
		t.Fatal("Wait returned before the bytes came")
	}
	nc, raw := answering(t, -1)
	p.Wait(raw) // end of stream is for the read to take
	if _, err := bufio.NewReader(nc).ReadByte(); err != io.EOF {
		t.Fatalf("read after the server closed: %v, want EOF", err)
	}
}

// An overlap while a Wait polls ends the poll.
func TestWaitEndsAtAnOverlap(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("GOMAXPROCS 1: never polls")
	}
	p := New(time.Hour)
	_, raw := answering(t, time.Hour)
	go func() {
		time.Sleep(20 * time.Millisecond)
		g := p.Gate()
		g.Enter()
		g.Enter() // an overlap
		g.Exit()
		g.Exit()
	}()
	p.Wait(raw) // returns at the overlap, not after an hour
	if readable(raw) {
		t.Fatal("Wait returned because bytes came, not because of the overlap")
	}
}
