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

// drainLimit is how much of a body the handler left unread the loop reads
// away to keep the connection; a longer rest closes it, as in net/http.
const drainLimit = 256 << 10

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

	readDL  bool // a read deadline is set on nc
	writeDL bool // a write deadline is set on nc (by a handler)

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
			c.nc.Close()
			return
		}
		if c.br.Buffered() == 0 && c.s.poll.Quiet() {
			c.s.poll.Wait(c.raw) // a client calling in a loop sends its next request at once
		}
	}
}

// next waits for the next request head, within the server's idle timeout
// for its first byte and its header timeout for the rest.
func (c *conn) next() (Head, bool, error) {
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
	if t.IsZero() && !c.readDL {
		return nil
	}
	c.readDL = !t.IsZero()
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
	c.s.poll.Enter() // counted in while served, so that Quiet knows of overlaps
	defer c.s.poll.Exit()
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
	body := &requestBody{ReadCloser: req.Body, length: req.ContentLength}
	req.Body = body
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	ctx = context.WithValue(ctx, watcherKey{}, &watcher{c: c, body: body, cancel: cancel})
	w := newResponse(c, req)
	c.s.HTTP.Handler.ServeHTTP(w, req.WithContext(ctx))
	keep = w.finish() && !req.Close
	c.setWriteDeadline(time.Time{})
	return keep && drain(body)
}

// drain reads away what the handler left of the body, up to drainLimit.
func drain(body io.Reader) bool {
	n, err := io.CopyN(io.Discard, body, drainLimit+1)
	return err == io.EOF && n <= drainLimit
}

// requestBody is a request's body that knows when it has been read to its
// end.
type requestBody struct {
	io.ReadCloser
	length int64 // Content-Length; -1 unknown
	read   int64
	eof    bool
}

func (b *requestBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *requestBody) consumed() bool { return b.eof || b.read == b.length }

// connReader reads the connection, after the byte a watcher read ahead.
type connReader struct {
	nc      net.Conn
	ahead   byte
	hasByte bool
}

func (r *connReader) Read(p []byte) (int, error) {
	if r.hasByte && len(p) > 0 {
		p[0], r.hasByte = r.ahead, false
		return 1, nil
	}
	return r.nc.Read(p)
}
