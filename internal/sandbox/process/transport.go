package process

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/yun-fc/yun/internal/busypoll"
)

// transport is the engine's HTTP/1.1 client of one instance: a pool of
// persistent connections to the runtime's port, each exchange written and
// read on the caller's goroutine through the connection's own buffers.
// net/http.Transport runs a reader and a writer goroutine per connection
// and hands every request and response across channels; on the warm path
// that handoff cost more CPU than the exchange itself (see RATIONALE.md,
// "Warm path").
//
// A connection goes back to the pool only after an exchange that ended
// cleanly: request written in full, response read to its framed end, no
// "Connection: close", no deadline or cancellation hit. A pooled
// connection is checked before reuse (a non-blocking peek finds one the
// runtime closed meanwhile) and dropped once idle longer than idleTimeout.
// A request is retried on a fresh connection only when not one byte of it
// reached a reused connection.
type transport struct {
	addr        string
	dial        func(ctx context.Context, network, addr string) (net.Conn, error)
	idleTimeout time.Duration
	poll        *busypoll.Gate // the engine's exchanges; nil: never poll

	headOnce sync.Once
	head     []byte // the instance's common headers in the wire format

	mu     sync.Mutex
	idle   []*conn // most recently used last
	closed bool    // CloseIdleConnections was called: pool nothing more
}

// maxIdleConns bounds the idle connections kept per instance (the highest
// instanceConcurrency is 200).
const maxIdleConns = 256

// Buffer sizes of a connection; larger writes bypass the buffer.
const (
	connReadBuffer  = 4 << 10
	connWriteBuffer = 4 << 10
)

// dialTimeout bounds making one connection.
const dialTimeout = 5 * time.Second

// conn is one persistent connection to the runtime.
type conn struct {
	nc      net.Conn
	raw     syscall.RawConn // nil when nc offers none; then no peek before reuse
	br      *bufio.Reader
	bw      *bufio.Writer
	tp      textproto.Reader
	written int64 // bytes of the current exchange that reached nc
	// readLimit bounds what may still be read while a response head is
	// read; -1 means no bound.
	readLimit int64
	idleAt    time.Time
	reused    bool
	hasDL     bool // a deadline is set on nc

	// Made once per connection, so that an exchange allocates neither.
	x      exchange              // the connection's current exchange
	poison func()                // breaks off blocked I/O (ctx ended)
	peek   func(fd uintptr) bool // alive's probe; its result in peeked
	peeked syscall.Errno
}

// Write counts what reaches the socket, so that a failed request is known
// to be unsent.
func (c *conn) Write(p []byte) (int, error) {
	n, err := c.nc.Write(p)
	c.written += int64(n)
	return n, err
}

// errHeadTooLarge is returned when a response head exceeds maxResponseHead.
var errHeadTooLarge = errors.New("response headers too large")

// Read enforces readLimit.
func (c *conn) Read(p []byte) (int, error) {
	if c.readLimit < 0 {
		return c.nc.Read(p)
	}
	if c.readLimit == 0 {
		return 0, errHeadTooLarge
	}
	if int64(len(p)) > c.readLimit {
		p = p[:c.readLimit]
	}
	n, err := c.nc.Read(p)
	c.readLimit -= int64(n)
	return n, err
}

// aLongTimeAgo is a deadline in the past: it makes blocked I/O return.
var aLongTimeAgo = time.Unix(1, 0)

// newTransport returns the transport of one instance at addr, which makes
// its connections with dial. Custom runtimes are the user's servers and
// commonly close idle connections after 2–5 s (gunicorn, Node's default),
// which races with reuse; so their idle connections are dropped first,
// after a second.
func newTransport(custom bool, addr string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *transport {
	idle := 90 * time.Second
	if custom {
		idle = time.Second
	}
	return &transport{addr: addr, dial: dial, idleTimeout: idle}
}

// CloseIdleConnections closes the pooled connections; connections in use
// are closed when their exchange ends. Called by Stop.
func (t *transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle, t.closed = nil, true
	t.mu.Unlock()
	for _, c := range idle {
		c.nc.Close()
	}
}

// get returns a live pooled connection, or dials a new one. Past the
// deadline it takes none: a deadline in the past would make every pooled
// connection look dead to alive.
func (t *transport) get(ctx context.Context, deadline time.Time) (*conn, error) {
	if !deadline.IsZero() && !time.Now().Before(deadline) {
		return nil, fmt.Errorf("connect to the runtime: %w", os.ErrDeadlineExceeded)
	}
	for {
		c := t.popIdle()
		if c == nil {
			break
		}
		c.setDeadline(deadline)
		if c.alive() {
			c.reused = true
			return c, nil
		}
		c.nc.Close()
	}
	return t.connect(ctx, deadline)
}

// popIdle takes the most recently used idle connection, closing those idle
// for too long.
func (t *transport) popIdle() *conn {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	for n := len(t.idle); n > 0; n = len(t.idle) {
		c := t.idle[n-1]
		t.idle[n-1] = nil
		t.idle = t.idle[:n-1]
		if now.Sub(c.idleAt) <= t.idleTimeout {
			return c
		}
		c.nc.Close()
	}
	return nil
}

// connect dials a new connection.
func (t *transport) connect(ctx context.Context, deadline time.Time) (*conn, error) {
	dl := time.Now().Add(dialTimeout)
	if !deadline.IsZero() && deadline.Before(dl) {
		dl = deadline
	}
	dctx, cancel := context.WithDeadline(ctx, dl)
	nc, err := t.dial(dctx, "tcp", t.addr)
	cancel()
	if err != nil {
		return nil, err
	}
	c := &conn{nc: nc, readLimit: -1}
	c.poison = func() { nc.SetDeadline(aLongTimeAgo) }
	c.peek = c.newPeek()
	if sc, ok := nc.(syscall.Conn); ok {
		c.raw, _ = sc.SyscallConn()
	}
	c.br = bufio.NewReaderSize(c, connReadBuffer)
	c.bw = bufio.NewWriterSize(c, connWriteBuffer)
	c.tp.R = c.br
	c.setDeadline(deadline)
	return c, nil
}

// put returns c to the pool after a clean exchange.
func (t *transport) put(c *conn) {
	c.idleAt = time.Now()
	t.mu.Lock()
	if t.closed || len(t.idle) >= maxIdleConns {
		t.mu.Unlock()
		c.nc.Close()
		return
	}
	t.idle = append(t.idle, c)
	t.mu.Unlock()
}

// setDeadline sets d on the connection, or clears an earlier one.
func (c *conn) setDeadline(d time.Time) {
	if d.IsZero() && !c.hasDL {
		return
	}
	c.nc.SetDeadline(d)
	c.hasDL = !d.IsZero()
}

// alive peeks at an idle connection without blocking: nothing to read
// means the runtime still holds it open; end of stream, an error or
// unexpected bytes mean it must not be reused.
func (c *conn) alive() bool {
	if c.br.Buffered() > 0 {
		return false
	}
	if c.raw == nil {
		return true
	}
	err := c.raw.Read(c.peek)
	return err == nil && c.peeked == syscall.EAGAIN
}

// peekBuffer receives the byte a peek may find; it is never read.
var peekBuffer [1]byte

// newPeek returns c's probe: a non-blocking MSG_PEEK of one byte.
func (c *conn) newPeek() func(fd uintptr) bool {
	return func(fd uintptr) bool {
		_, _, c.peeked = syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&peekBuffer[0])), 1,
			syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
		return true
	}
}

// exchange is one request/response on the runtime; see roundTrip.
type exchange struct {
	t    *transport
	c    *conn
	stop func() bool // stops the cancellation hook; false if it ran
}

// errUnsent marks a request of which nothing reached the connection.
var errUnsent = errors.New("request not sent")

// roundTrip sends req and reads the response's head. The body is read from
// the returned response and must be read to its end or closed. deadline
// (zero: none) bounds the whole exchange, body included; ctx's end breaks
// it off.
func (t *transport) roundTrip(ctx context.Context, deadline time.Time, req *request) (*response, error) {
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	for {
		if err := ctx.Err(); err != nil { // ended before any byte went out
			return nil, fmt.Errorf("%w: %w", errUnsent, err)
		}
		c, err := t.get(ctx, deadline)
		if err != nil {
			return nil, err
		}
		x := &c.x
		*x = exchange{t: t, c: c, stop: context.AfterFunc(ctx, c.poison)}
		resp, err := x.send(req)
		if err == nil {
			return resp, nil
		}
		x.abandon()
		if errors.Is(err, errUnsent) && c.reused && req.replayable() && ctx.Err() == nil {
			continue // the runtime closed an idle connection: try a new one
		}
		if errors.Is(err, errUnsent) && ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", errUnsent, ctx.Err()) // ended before any byte went out
		}
		return nil, ctxError(ctx, err)
	}
}

// ctxError is ctx's error when ctx ended or when err is ctx's deadline
// passing (the connection's deadline may fire before ctx's timer), else
// err.
func ctxError(ctx context.Context, err error) error {
	if d, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(d) {
		<-ctx.Done() // due at once
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// send writes req and reads the response's head.
func (x *exchange) send(req *request) (*response, error) {
	c := x.c
	c.written = 0
	poll := x.t.poll.Enter() // counted in until the answer's head is read
	defer x.t.poll.Exit()
	werr := req.write(c.bw, x.t.addr)
	var source *sourceError
	if errors.As(werr, &source) {
		return nil, werr
	}
	if werr != nil && c.written == 0 {
		return nil, fmt.Errorf("%w: %w", errUnsent, werr)
	}
	if poll && werr == nil && c.br.Buffered() == 0 {
		x.t.poll.Wait(c.raw) // alone on a quiet engine: poll for the answer a while before parking
	}
	resp, err := readResponse(x, req.method)
	if err != nil {
		if werr != nil {
			return nil, werr
		}
		return nil, err
	}
	if werr != nil { // the runtime answered before taking the whole request
		resp.body.keepAlive = false
	}
	return resp, nil
}

// finish ends the exchange after its response was read to the end: the
// connection goes back to the pool when it may be reused.
func (x *exchange) finish(reusable bool) {
	if !x.stop() || !reusable {
		x.c.nc.Close()
		return
	}
	x.t.put(x.c)
}

// abandon ends the exchange early: the connection is closed.
func (x *exchange) abandon() {
	x.stop()
	x.c.nc.Close()
}
