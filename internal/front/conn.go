package front

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// conn is one connection on the lean loop.
type conn struct {
	s    *Server
	nc   net.Conn
	raw  syscall.RawConn // nil when nc offers none: no polling
	r    connReader
	br   *bufio.Reader
	bw   *bufio.Writer
	ctx  context.Context // ends when the connection does
	stop context.CancelFunc

	readDL  time.Time // the read deadline set on nc; zero: none
	writeDL bool      // a write deadline is set on nc (by a handler)

	mu   sync.Mutex
	idle bool // waiting for a request; Shutdown may wake it
}

func newConn(s *Server, nc net.Conn) *conn {
	ctx, stop := context.WithCancel(context.Background())
	ctx = context.WithValue(ctx, http.LocalAddrContextKey, nc.LocalAddr())
	c := &conn{s: s, nc: nc, ctx: ctx, stop: stop, bw: bufio.NewWriterSize(nc, 4<<10)}
	c.r.nc = nc
	c.br = bufio.NewReaderSize(&c.r, headBuffer)
	if sc, ok := nc.(syscall.Conn); ok {
		c.raw, _ = sc.SyscallConn()
	}
	return c
}

// serve runs the lean loop until the client leaves, a request is not the
// loop's, or the server closes.
func (c *conn) serve() {
	defer c.s.untrack(c)
	defer c.stop()
	for {
		h, ok, err := c.next()
		if err != nil {
			c.nc.Close()
			return
		}
		if !ok || !h.plain() {
			c.handOff()
			return
		}
		if !c.serveOne() {
			c.closeLingering()
			return
		}
		if c.br.Buffered() == 0 && !c.r.hasByte && c.s.requests.Quiet() {
			c.s.requests.Wait(c.raw) // a client calling in a loop sends its next request at once
		}
	}
}

// next waits for the next request head, within the server's idle timeout
// for its first byte and its header timeout for the rest.
func (c *conn) next() (requestHead, bool, error) {
	if d := c.idleTimeout(); d > 0 {
		c.setReadDeadline(time.Now().Add(d))
	} else {
		c.setReadDeadline(time.Time{}) // a handler's, or the last header timeout
	}
	if !c.setIdle(true) {
		return nil, false, http.ErrServerClosed
	}
	_, err := c.br.Peek(1)
	if !c.setIdle(false) && err == nil {
		err = http.ErrServerClosed
	}
	if err != nil {
		return nil, false, err
	}
	if d := c.s.HTTP.ReadHeaderTimeout; d > 0 {
		c.setReadDeadline(time.Now().Add(d))
	}
	return peekHead(c.br)
}

// setReadDeadline sets t on the connection; clearing a deadline that is
// not set costs nothing.
func (c *conn) setReadDeadline(t time.Time) error {
	if t.IsZero() && c.readDL.IsZero() {
		return nil
	}
	c.readDL = t
	return c.nc.SetReadDeadline(t)
}

// setWriteDeadline is setReadDeadline for writes.
func (c *conn) setWriteDeadline(t time.Time) error {
	if t.IsZero() && !c.writeDL {
		return nil
	}
	c.writeDL = !t.IsZero()
	return c.nc.SetWriteDeadline(t)
}

func (c *conn) idleTimeout() time.Duration {
	if d := c.s.HTTP.IdleTimeout; d > 0 {
		return d
	}
	return c.s.HTTP.ReadTimeout
}

// setIdle marks c idle or busy; false when the server is closing.
func (c *conn) setIdle(idle bool) bool {
	c.mu.Lock()
	c.idle = idle
	c.mu.Unlock()
	return !c.s.shuttingDown()
}

// wakeIdle makes an idle connection's read return, so that it closes.
func (c *conn) wakeIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idle {
		c.nc.SetReadDeadline(time.Now())
	}
}

// handOff gives the connection, with what was read of it, to net/http.
func (c *conn) handOff() {
	c.setReadDeadline(time.Time{})
	if !c.s.handoff.give(&bufferedConn{Conn: c.nc, r: c.br}) {
		c.nc.Close()
	}
}

// serveOne reads a request, runs the handler and writes the answer; false
// when the connection must close. A handler's panic closes the
// connection, as in net/http.
func (c *conn) serveOne() (keep bool) {
	defer func() {
		if err := recover(); err != nil {
			if err != http.ErrAbortHandler {
				buf := make([]byte, 64<<10)
				c.s.logf("http: panic serving %v: %v\n%s", c.nc.RemoteAddr(), err, buf[:runtime.Stack(buf, false)])
			}
			keep = false
		}
	}()
	c.s.requests.Enter() // counted in while served, so that Quiet knows of overlaps
	defer c.s.requests.Exit()
	req, err := http.ReadRequest(c.br)
	if err != nil {
		// A head plain() passed and net/http refuses: answered as
		// net/http answers it, and closed.
		c.bw.WriteString("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n" +
			"Connection: close\r\n\r\n400 Bad Request")
		c.bw.Flush()
		return false
	}
	c.setReadDeadline(time.Time{})
	req.RemoteAddr = c.nc.RemoteAddr().String()
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	x := &exchange{body: requestBody{rc: req.Body, length: req.ContentLength}} // one allocation for the three
	body, wt, w := &x.body, &x.watch, &x.resp
	req.Body = body
	*wt = watcher{c: c, body: body, cancel: cancel}
	defer wt.end() // after a panic
	ctx = context.WithValue(ctx, watcherKey{}, wt)
	*w = response{c: c, req: req, body: body, header: make(http.Header, 8)}
	c.s.lean.ServeHTTP(w, req.WithContext(ctx))
	wt.end() // before the loop reads the connection again
	keep = w.finish()
	c.setWriteDeadline(time.Time{})
	if !keep || body.consumed() {
		return keep
	}
	c.setReadDeadline(time.Now().Add(drainTime)) // a client that stalls its body loses the connection
	return body.drain()
}

// exchange is what the loop keeps per request.
type exchange struct {
	body  requestBody
	watch watcher
	resp  response
}

// closeLingering closes the connection as net/http does after an answer:
// the write side first, then what the client still sends is read away for
// a while, so that unread input does not turn the close into a reset that
// could destroy the answer before the client reads it.
func (c *conn) closeLingering() {
	c.bw.Flush()
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		c.nc.SetReadDeadline(time.Now().Add(lingerTime))
		io.Copy(io.Discard, c.nc) // until the client is done sending, or lingerTime
	}
	c.nc.Close()
}

// lingerTime is how long closeLingering reads, as net/http waits.
const lingerTime = 500 * time.Millisecond
