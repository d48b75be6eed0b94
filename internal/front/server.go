package front

import (
	"context"
	"errors"
	"github.com/yun-fc/yun/internal/busypoll"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// headBuffer is the read buffer of a connection on the lean loop; a head
// that does not fit goes to net/http, which allows up to 1 MB.
const headBuffer = 16 << 10

// Server serves a listener's connections on the lean loop and hands the
// rest to HTTP.
type Server struct {
	// HTTP serves the connections the lean loop hands over; its Handler
	// also serves the lean loop's requests, and its ReadHeaderTimeout and
	// IdleTimeout (else ReadTimeout) bound the lean loop's reads too.
	HTTP *http.Server
	// Poll is how long a connection whose answer just went out polls for
	// its client's next request, when no other request is in progress or
	// overlapped within busypoll.Window; zero never polls.
	Poll time.Duration

	once     sync.Once
	poll     *busypoll.Poller // the lean loop's requests
	handoff  *handoffListener
	mu       sync.Mutex
	conns    map[*conn]struct{}
	closing  bool
	inflight sync.WaitGroup // lean connections
}

func (s *Server) init() {
	s.once.Do(func() {
		s.conns = map[*conn]struct{}{}
		s.handoff = newHandoffListener()
		s.poll = busypoll.New(s.Poll)
	})
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
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.shuttingDown() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			s.handoff.Close()
			return err
		}
		c := s.track(nc)
		if c == nil {
			nc.Close()
			continue
		}
		go c.serve()
	}
}

func (s *Server) track(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
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

func (s *Server) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

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
	s.closing = true
	for c := range s.conns {
		c.wakeIdle()
	}
}

func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
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
