package front

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/yun-fc/yun/internal/busypoll"
)

// headBuffer is the read buffer of a connection on the lean loop; a head
// that does not fit goes to net/http, which allows up to 1 MB.
const headBuffer = 16 << 10

// Server serves a listener's connections on the lean loop and hands the
// rest to HTTP.
type Server struct {
	// HTTP serves the connections the lean loop hands over. With a Poller,
	// Serve wraps its Handler to count the requests it serves. Of its
	// settings the lean loop uses Handler (nil: http.DefaultServeMux),
	// ReadHeaderTimeout, IdleTimeout (else ReadTimeout, for a request's
	// first byte) and ErrorLog; it has no WriteTimeout, hooks or TLS, and
	// hands heads over 16 KB to HTTP, whose MaxHeaderBytes then applies.
	HTTP *http.Server
	// Poller lets a connection whose answer just went out poll for its
	// client's next request while no other request is in progress and the
	// node is quiet (package busypoll). Nil: never poll.
	Poller *busypoll.Poller

	once     sync.Once
	requests *busypoll.Gate // the requests being served, on either loop
	lean     http.Handler   // HTTP's Handler as given
	handoff  *handoffListener
	mu       sync.Mutex
	conns    map[*conn]struct{}
	closing  atomic.Bool // set under mu, read on every request without it
	date     dateCache
	inflight sync.WaitGroup // lean connections
}

func (s *Server) init() {
	s.once.Do(func() {
		s.conns = map[*conn]struct{}{}
		s.handoff = newHandoffListener()
		s.requests = s.Poller.Gate()
		s.lean = s.HTTP.Handler
		if s.lean == nil {
			s.lean = http.DefaultServeMux
		}
		if s.requests != nil { // the handed-off requests count too: they are load
			s.HTTP.Handler = countedHandler{s.lean, s.requests}
		}
	})
}

// countedHandler counts the requests it serves at a Gate.
type countedHandler struct {
	http.Handler
	gate *busypoll.Gate
}

func (h countedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.gate.Enter()
	defer h.gate.Exit()
	h.Handler.ServeHTTP(w, r)
}

// Serve accepts connections on ln until Shutdown or Close; it returns
// http.ErrServerClosed then, like http.Server.Serve. Call it once.
func (s *Server) Serve(ln net.Listener) error {
	s.init()
	s.handoff.setAddr(ln.Addr())
	if s.shuttingDown() {
		ln.Close()
		return http.ErrServerClosed
	}
	served := make(chan error, 1)
	go func() { served <- s.HTTP.Serve(s.handoff) }()
	err := s.accept(ln) // after a failure of ln, the handoff listener is closed too
	<-served
	return err
}

// accept runs until ln fails; after Shutdown or Close its error is
// http.ErrServerClosed.
func (s *Server) accept(ln net.Listener) error {
	go func() {
		<-s.handoff.done
		ln.Close()
	}()
	var delay time.Duration // after a failure worth retrying
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.shuttingDown() {
				return http.ErrServerClosed
			}
			if retryable(err) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("http: Accept error: %v; retrying in %v", err, delay)
				select {
				case <-time.After(delay):
				case <-s.handoff.done: // Shutdown or Close
				}
				continue
			}
			s.handoff.Close()
			return err
		}
		delay = 0
		c := s.track(nc)
		if c == nil {
			nc.Close()
			continue
		}
		go c.serve()
	}
}

// retryable reports whether an Accept failure may pass: the process is out
// of descriptors or memory for a while, or one connection failed early.
// net/http retries the same ones (its Temporary errors).
func retryable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM) || errors.Is(err, syscall.ECONNABORTED)
}

func (s *Server) track(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return nil
	}
	c := newConn(s, nc)
	s.conns[c] = struct{}{}
	s.inflight.Add(1)
	return c
}

// untrack forgets c, closed or handed to net/http.
func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.inflight.Done()
}

func (s *Server) shuttingDown() bool { return s.closing.Load() }

// Shutdown stops accepting, lets the lean loop finish the requests it is
// serving and closes its idle connections, and shuts HTTP down, all
// within ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	s.beginClose()
	herr := s.HTTP.Shutdown(ctx) // closes the handoff listener, if served, and so ln
	s.handoff.Close()
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return herr
	case <-ctx.Done():
		s.closeAll()
		return ctx.Err()
	}
}

// Close closes every connection at once.
func (s *Server) Close() error {
	s.init()
	s.beginClose()
	err := s.HTTP.Close()
	s.handoff.Close()
	s.closeAll()
	return err
}

// beginClose refuses new connections and wakes idle lean ones, which then
// close; busy ones close after their answer.
func (s *Server) beginClose() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing.Store(true)
	for c := range s.conns {
		c.wakeIdle()
	}
}

// closeAll closes every lean connection and cancels its requests, as the
// failed background read of net/http's connections does.
func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
		c.stop()
	}
}

// logf logs to HTTP.ErrorLog, or the log package's standard logger, as
// net/http does.
func (s *Server) logf(format string, args ...any) {
	if s.HTTP.ErrorLog != nil {
		s.HTTP.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}
