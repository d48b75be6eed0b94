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

func TestPollerOnlyForTheSoleActivityOfAQuietNode(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: never polls")
	}
	p := New(time.Millisecond)
	clock := Window
	p.now = func() time.Duration { return clock }
	if !p.Enter() {
		t.Fatal("the only activity may not poll")
	}
	if p.Enter() {
		t.Fatal("a second activity in progress may poll")
	}
	p.Exit()
	if p.Quiet() {
		t.Fatal("quiet with an activity in progress")
	}
	p.Exit()
	clock += Window - 1
	if p.Enter() {
		t.Fatal("alone again, but within Window of an overlap, the activity polls")
	}
	p.Exit()
	if p.Quiet() {
		t.Fatal("quiet within Window of an overlap")
	}
	clock++
	if !p.Quiet() {
		t.Fatal("not quiet after Window alone")
	}
	if !p.Enter() {
		t.Fatal("alone for Window, the activity may not poll")
	}
	p.Exit()
}

func TestNilPollerNeverPolls(t *testing.T) {
	for _, budget := range []time.Duration{0, -1} {
		p := New(budget)
		if p != nil {
			t.Fatalf("New(%v) = %+v, want nil", budget, p)
		}
		if p.Enter() || p.Quiet() {
			t.Fatal("a nil Poller polls")
		}
		p.Exit()
		p.Wait(nil)
	}
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
	p := &Poller{budget: time.Millisecond}
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
	p := &Poller{budget: time.Minute} // returns when the bytes are there, far within its budget
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
