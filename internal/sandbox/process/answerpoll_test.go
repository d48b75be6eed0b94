package process

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestAnswerPollOnlyTheSoleExchangeOfAQuietNode(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one CPU: never polls")
	}
	p := newAnswerPoll(time.Millisecond)
	clock := quietWindow
	p.now = func() time.Duration { return clock }
	if !p.begin() {
		t.Fatal("the only exchange in flight may not poll")
	}
	if p.begin() {
		t.Fatal("a second exchange in flight may poll")
	}
	p.end()
	p.end()
	clock += quietWindow - 1
	if p.begin() {
		t.Fatal("alone again, but within quietWindow of an overlap, the exchange polls")
	}
	p.end()
	clock++
	if !p.begin() {
		t.Fatal("alone for quietWindow, the exchange may not poll")
	}
	p.end()
	for _, off := range []*answerPoll{nil, newAnswerPoll(-1)} {
		if off.begin() {
			t.Errorf("%+v polls", off)
		}
		off.end()
	}
}

// pollConn dials a server that answers "late" after answerAfter, or closes
// at once when answerAfter is negative.
func pollConn(t *testing.T, answerAfter time.Duration) *conn {
	t.Helper()
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		if answerAfter < 0 {
			return
		}
		time.Sleep(answerAfter)
		io.WriteString(c, "late")
		io.Copy(io.Discard, br)
	})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	c := &conn{nc: nc, readLimit: -1}
	c.raw, _ = nc.(syscall.Conn).SyscallConn()
	c.br = bufio.NewReaderSize(c, connReadBuffer)
	return c
}

// readable peeks without waiting.
func readable(c *conn) bool {
	c.peek = c.newPeek()
	c.raw.Read(c.peek)
	return c.peeked == 0
}

func TestPollAnswerGivesUpAfterItsBudget(t *testing.T) {
	c := pollConn(t, time.Second)
	c.pollAnswer(time.Millisecond)
	if readable(c) {
		t.Fatal("pollAnswer waited for an answer sent a second later")
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(c.br, b); err != nil || string(b) != "late" { // the read parks as usual
		t.Fatalf("read after polling: %q, %v", b, err)
	}
}

func TestPollAnswerReturnsWithTheAnswer(t *testing.T) {
	c := pollConn(t, 20*time.Millisecond)
	c.pollAnswer(time.Minute) // returns when the answer is there, far within its budget
	if !readable(c) {
		t.Fatal("pollAnswer returned before the answer came")
	}
	closed := pollConn(t, -1)
	closed.pollAnswer(time.Minute) // end of stream is for the read to take
	if _, err := closed.br.ReadByte(); err != io.EOF {
		t.Fatalf("read after the server closed: %v, want EOF", err)
	}
}

// An engine's exchanges poll when alone, and the answers are whole either way.
func TestTransportWithAnswerPoll(t *testing.T) {
	s := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	})
	tr := testTransport(addrOf(s.Server))
	tr.poll = newAnswerPoll(DefaultAnswerPoll)
	for i := range 20 {
		body := []byte(string(rune('a' + i)))
		if rep := roundTripAll(t, tr, invokeReq(http.Header{}, body)); string(rep.body) != string(body) {
			t.Fatalf("exchange %d: %q, want %q", i, rep.body, body)
		}
	}
	if n := tr.poll.inFlight.Load(); n != 0 {
		t.Fatalf("%d exchanges still counted in flight", n)
	}
}
