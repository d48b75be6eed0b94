package process

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDeclaredLengthIsNotAllocatedUpFront: an answer that declares 32 MB and
// sends one byte costs the engine at most `upfront`, not the 32 MB.
func TestDeclaredLengthIsNotAllocatedUpFront(t *testing.T) {
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\nx", maxResponse)
	})
	tr := testTransport(addr)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const exchanges = 4
	var wg sync.WaitGroup
	for range exchanges {
		wg.Go(func() {
			resp, err := tr.roundTrip(context.Background(), time.Now().Add(200*time.Millisecond), invokeReq(http.Header{}, nil))
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := resp.body.readAll(maxResponse); err == nil {
				t.Errorf("readAll of a truncated answer = nil error")
			}
		})
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > exchanges*(upfront+1<<20) {
		t.Errorf("%d exchanges that declared %d bytes and sent 1 allocated %d MB", exchanges, maxResponse, grew>>20)
	}
}

// TestDeclaredLengthBodyReadWhole: a long declared body still arrives
// whole, across many reads and buffer growths.
func TestDeclaredLengthBodyReadWhole(t *testing.T) {
	want := strings.Repeat("0123456789abcdef", 40_000) // 640 KB, ten times upfront
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(want))
		for rest := want; rest != ""; rest = rest[min(len(rest), 7000):] { // small writes
			io.WriteString(c, rest[:min(len(rest), 7000)])
		}
	})
	rep := roundTripAll(t, testTransport(addr), invokeReq(http.Header{}, nil))
	if string(rep.body) != want {
		t.Errorf("got %d bytes, want the %d sent", len(rep.body), len(want))
	}
}

// TestResponseHeadLimit: a head over maxResponseHead is refused.
func TestResponseHeadLimit(t *testing.T) {
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		var sb strings.Builder
		sb.WriteString("HTTP/1.1 200 OK\r\n")
		for i := 0; sb.Len() < 2*maxResponseHead; i++ {
			fmt.Fprintf(&sb, "X-%x: v\r\n", i)
		}
		sb.WriteString("Content-Length: 0\r\n\r\n")
		io.WriteString(c, sb.String())
	})
	_, err := testTransport(addr).roundTrip(context.Background(), time.Now().Add(5*time.Second), invokeReq(http.Header{}, nil))
	if err == nil { // errHeadTooLarge, or the line it cut short
		t.Errorf("a %d KB head was accepted, want it refused", 2*maxResponseHead>>10)
	}
}

// TestExpiredDeadlineKeepsThePool: a call whose deadline already passed
// fails without closing the pooled connections.
func TestExpiredDeadlineKeepsThePool(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) })
	tr := testTransport(addrOf(srv.Server))
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { roundTripAll(t, tr, invokeReq(http.Header{}, nil)) })
	}
	wg.Wait()
	idle := func() int {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		return len(tr.idle)
	}
	before := idle()
	if _, err := tr.roundTrip(context.Background(), time.Now().Add(-time.Millisecond), invokeReq(http.Header{}, nil)); err == nil {
		t.Fatalf("a call past its deadline succeeded")
	}
	if after := idle(); after != before || before == 0 {
		t.Errorf("idle connections %d before, %d after a call past its deadline; want them kept", before, after)
	}
}
