package front

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/busypoll"
)

// serve starts a Server with h on a loopback port; it is shut down when
// the test ends.
func serve(t *testing.T, h http.Handler) (addr string, s *Server) {
	t.Helper()
	return serveWith(t, &Server{HTTP: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}})
}

func serveWith(t *testing.T, s *Server) (addr string, _ *Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return ln.Addr().String(), s
}

// which answers with the loop that served the request: "lean" or "net/http".
func which(r *http.Request) string {
	if Watcher(r.Context()) != nil {
		return "lean"
	}
	return "net/http"
}

// rawConn is a client connection that writes requests by hand.
type rawConn struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t: t, nc: nc, br: bufio.NewReader(nc)}
}

func (c *rawConn) send(raw string) {
	c.t.Helper()
	if _, err := io.WriteString(c.nc, raw); err != nil {
		c.t.Fatal(err)
	}
}

// read reads one response and its whole body.
func (c *rawConn) read(method string) (*http.Response, string) {
	c.t.Helper()
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		c.t.Fatalf("read response: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return resp, string(b)
}

func post(path, body string, extra ...string) string {
	return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n%s\r\n%s",
		path, len(body), strings.Join(extra, ""), body)
}

func TestLeanLoopServesPlainRequestsOnOneConnection(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Loop", which(r))
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
	}))
	c := dial(t, addr)
	for i := range 3 {
		c.send(post(fmt.Sprintf("/n%d", i), "ping"))
		resp, body := c.read("POST")
		if want := fmt.Sprintf("POST /n%d ping", i); body != want {
			t.Fatalf("request %d: body %q, want %q", i, body, want)
		}
		if resp.Header.Get("X-Loop") != "lean" || resp.ContentLength != int64(len(body)) {
			t.Fatalf("request %d: loop %q, Content-Length %d", i, resp.Header.Get("X-Loop"), resp.ContentLength)
		}
		if resp.Header.Get("Date") == "" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("request %d: header %v, want Date and a sniffed Content-Type", i, resp.Header)
		}
	}
}

func TestLeanLoopAnswersPipelinedRequestsInOrder(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}))
	c := dial(t, addr)
	c.send(post("/a", "1") + post("/b", "22") + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
	for _, want := range []string{"/a", "/b", "/c"} {
		if _, body := c.read("POST"); body != want {
			t.Fatalf("body %q, want %q", body, want)
		}
	}
}

func TestAnswerFraming(t *testing.T) {
	big := strings.Repeat("x", bufferLimit+10)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/declared":
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "he")
			io.WriteString(w, "llo")
		case "/big":
			io.WriteString(w, big[:100])
			io.WriteString(w, big[100:])
		case "/flushed":
			io.WriteString(w, "part1,")
			w.(http.Flusher).Flush()
			io.WriteString(w, "part2")
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
			if _, err := io.WriteString(w, "no"); !errors.Is(err, http.ErrBodyNotAllowed) {
				t.Errorf("write to a 204: %v, want ErrBodyNotAllowed", err)
			}
		case "/status":
			w.WriteHeader(http.StatusTeapot)
		case "/injected":
			w.Header().Set("X-Value", "a\r\nX-Evil: 1")
			w.Header()["Bad Name"] = []string{"v"}
		}
	}))
	c := dial(t, addr)
	for _, tc := range []struct {
		path, body string
		status     int
		chunked    bool
	}{
		{"/declared", "hello", 200, false},
		{"/big", big, 200, true},
		{"/flushed", "part1,part2", 200, true},
		{"/empty", "", 204, false},
		{"/status", "", 418, false},
		{"/injected", "", 200, false},
	} {
		c.send("GET " + tc.path + " HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, body := c.read("GET")
		chunked := len(resp.TransferEncoding) > 0
		if resp.StatusCode != tc.status || body != tc.body || chunked != tc.chunked {
			t.Errorf("%s: status %d, %d bytes, chunked %v; want %d, %d bytes, chunked %v",
				tc.path, resp.StatusCode, len(body), chunked, tc.status, len(tc.body), tc.chunked)
		}
		if tc.path == "/injected" && (resp.Header.Get("X-Evil") != "" || resp.Header.Get("X-Value") != "a  X-Evil: 1") {
			t.Errorf("a value with CR LF split the header: %v", resp.Header)
		}
	}
}

func TestUnusualRequestsGoToNetHTTP(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Loop", which(r))
		fmt.Fprintf(w, "%s:%s", r.Method, b)
	}))
	for _, tc := range []struct{ name, request, method, body string }{
		{"HTTP/1.0", "POST /x HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi", "POST", "POST:hi"},
		{"chunked", "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", "POST", "POST:hi"},
		{"HEAD", "HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n", "HEAD", ""},
		{"huge head", "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", headBuffer) + "\r\n\r\n", "GET", "GET:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dial(t, addr)
			c.send(tc.request)
			resp, body := c.read(tc.method)
			if resp.Header.Get("X-Loop") != "net/http" || body != tc.body {
				t.Fatalf("loop %q body %q; want net/http, %q", resp.Header.Get("X-Loop"), body, tc.body)
			}
			c.send(post("/after", "ok")) // net/http keeps the connection
			if resp, body := c.read("POST"); resp.Header.Get("X-Loop") != "net/http" || body != "POST:ok" {
				t.Fatalf("next request: loop %q body %q", resp.Header.Get("X-Loop"), body)
			}
		})
	}
}

func TestExpectContinueGoesToNetHTTP(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	c := dial(t, addr)
	c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
	line, err := c.br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("first line %q (%v), want 100 Continue", line, err)
	}
	c.br.ReadString('\n') // the blank line ending the 100
	c.send("body")
	if _, body := c.read("POST"); body != "body" {
		t.Fatalf("body %q", body)
	}
}

func TestMalformedPlainHeadIsRefused(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the handler saw a malformed request")
	}))
	c := dial(t, addr)
	c.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
	resp, _ := c.read("POST")
	if resp.StatusCode != http.StatusBadRequest || !resp.Close {
		t.Fatalf("status %d close %v, want 400 and close", resp.StatusCode, resp.Close)
	}
	if _, err := c.br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("after a 400: %v, want the connection closed", err)
	}
}

func TestConnectionCloseAndUnreadBodies(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path) // never reads the body
	}))
	c := dial(t, addr)
	c.send(post("/unread", strings.Repeat("u", 1000)) + post("/next", ""))
	for _, want := range []string{"/unread", "/next"} {
		if _, body := c.read("POST"); body != want {
			t.Fatalf("body %q, want %q: an unread small body must be skipped", body, want)
		}
	}
	c.send(post("/bye", "", "Connection: close\r\n"))
	if resp, _ := c.read("POST"); !resp.Close {
		t.Fatal("the answer to Connection: close does not say close")
	}
	if _, err := c.br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("after Connection: close: %v, want EOF", err)
	}

	c = dial(t, addr)
	c.send(post("/huge", strings.Repeat("h", drainLimit+100)))
	c.read("POST")
	if _, err := c.br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("after a large unread body: %v, want the connection closed", err)
	}
}

func TestWatcherCancelsWhenTheClientLeaves(t *testing.T) {
	started := make(chan struct{})
	cancelled := make(chan error, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		stop := Watcher(r.Context())()
		close(started)
		select {
		case <-r.Context().Done():
			cancelled <- r.Context().Err()
		case <-time.After(5 * time.Second):
			cancelled <- errors.New("not cancelled within 5s")
		}
		stop()
	}))
	c := dial(t, addr)
	c.send(post("/wait", "body"))
	<-started
	c.nc.Close()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func TestWatcherKeepsTheNextRequest(t *testing.T) {
	release := make(chan struct{})
	watching := make(chan struct{}, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		if r.URL.Path == "/wait" {
			stop := Watcher(r.Context())()
			watching <- struct{}{}
			<-release
			stop()
			if r.Context().Err() != nil {
				t.Error("a client that sent its next request was taken for gone")
			}
		}
		io.WriteString(w, r.URL.Path)
	}))
	c := dial(t, addr)
	c.send(post("/wait", "x"))
	<-watching
	c.send(post("/next", "y")) // read ahead by the watcher, at least its first byte
	time.Sleep(50 * time.Millisecond)
	close(release)
	for _, want := range []string{"/wait", "/next"} {
		if _, body := c.read("POST"); body != want {
			t.Fatalf("body %q, want %q", body, want)
		}
	}
}

func TestWatcherIsANoOpWhileTheBodyIsUnread(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stop := Watcher(r.Context())() // the body's bytes are not the client's next ones
		stop()
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	c := dial(t, addr)
	c.send(post("/x", "the body"))
	if _, body := c.read("POST"); body != "the body" {
		t.Fatalf("body %q: the watcher took the body's bytes", body)
	}
}

func TestShutdownFinishesRequestsAndClosesIdleConnections(t *testing.T) {
	inHandler := make(chan struct{})
	release := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{HTTP: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(inHandler)
			<-release
		}
		io.WriteString(w, "done")
	})}}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	idle := dial(t, ln.Addr().String())
	idle.send(post("/fast", ""))
	idle.read("POST")
	busy := dial(t, ln.Addr().String())
	busy.send(post("/slow", ""))
	<-inHandler

	var wg sync.WaitGroup
	wg.Add(1)
	var shutErr error
	go func() {
		defer wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutErr = s.Shutdown(ctx)
	}()
	if _, err := idle.br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("idle connection during Shutdown: %v, want EOF", err)
	}
	close(release)
	if resp, body := busy.read("POST"); body != "done" || !resp.Close {
		t.Fatalf("the request in flight got %q, close %v; want done, and close during Shutdown", body, resp.Close)
	}
	wg.Wait()
	if shutErr != nil {
		t.Fatal(shutErr)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("still accepting after Shutdown")
	}
}

func TestNetHTTPClientRoundTrips(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Loop", which(r))
		w.Write(b)
	}))
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	for i := range 20 {
		body := strings.Repeat("z", i*1000)
		resp, err := (&http.Client{Transport: tr}).Post("http://"+addr+"/x", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != body || resp.Header.Get("X-Loop") != "lean" {
			t.Fatalf("round trip %d: %d bytes back, loop %q", i, len(got), resp.Header.Get("X-Loop"))
		}
	}
}

func TestHandlerPanicClosesOnlyItsConnection(t *testing.T) {
	var logged strings.Builder
	var mu sync.Mutex
	addr, _ := serveWith(t, &Server{HTTP: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/panic" {
				panic("boom")
			}
			io.WriteString(w, "fine")
		}),
		ErrorLog: log.New(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logged.Write(p)
		}), "", 0),
	}})
	c := dial(t, addr)
	c.send("GET /panic HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := c.br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("after a panic: %v, want the connection closed", err)
	}
	other := dial(t, addr)
	other.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, body := other.read("GET"); body != "fine" {
		t.Fatalf("another connection after the panic got %q", body)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logged.String(), "panic serving") || !strings.Contains(logged.String(), "boom") {
		t.Fatalf("the panic was not logged: %q", logged.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Deadlines a handler sets end with its request.
func TestHandlerDeadlinesDoNotOutliveTheRequest(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
			t.Errorf("SetReadDeadline: %v", err)
		}
		if err := rc.SetWriteDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		io.WriteString(w, r.URL.Path)
	}))
	c := dial(t, addr)
	for _, path := range []string{"/first", "/second"} {
		c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
		if _, body := c.read("GET"); body != path {
			t.Fatalf("got %q, want %q", body, path)
		}
		time.Sleep(100 * time.Millisecond) // past the handler's deadlines
	}
}

// A connection that polls for its client's next request serves it as one
// that parks: sent at once, late, or never (the client closes).
func TestPollingForTheNextRequest(t *testing.T) {
	addr, _ := serveWith(t, &Server{Poller: busypoll.New(time.Millisecond), HTTP: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) })}})
	c := dial(t, addr)
	for i, pause := range []time.Duration{0, 0, 20 * time.Millisecond, 0} {
		time.Sleep(pause)
		path := fmt.Sprintf("/%d", i)
		c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
		if _, body := c.read("GET"); body != path {
			t.Fatalf("got %q, want %q", body, path)
		}
	}
	c.nc.Close()
	other := dial(t, addr)
	other.send("GET /other HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, body := other.read("GET"); body != "/other" {
		t.Fatalf("got %q", body)
	}
}

// failingListener fails its first Accepts with EMFILE, as a process out of
// descriptors does.
type failingListener struct {
	net.Listener
	failures atomic.Int32
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.failures.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

func TestAcceptRetriesWhenOutOfDescriptors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := &failingListener{Listener: ln}
	fl.failures.Store(3)
	s := &Server{HTTP: &http.Server{ErrorLog: log.New(io.Discard, "", 0),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "up") })}}
	served := make(chan error, 1)
	go func() { served <- s.Serve(fl) }()
	c := dial(t, ln.Addr().String())
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, body := c.read("GET"); body != "up" {
		t.Fatalf("got %q", body)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v after EMFILE", err)
	default:
	}
	s.Close()
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve: %v", err)
	}
}

// Heads net/http refuses, though http.ReadRequest parses them, go to
// net/http, which answers 400: the two never disagree on a request's framing.
func TestHeadsNetHTTPRefusesAreRefused(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the handler saw %v", r.Header)
	}))
	for _, head := range []string{
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\nhello",
		"GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nBad\x01Name: v\r\n\r\n",
	} {
		c := dial(t, addr)
		c.send(head)
		if resp, _ := c.read("POST"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400", head, resp.StatusCode)
		}
	}
}

// An answer that leaves a large body unread says it closes, and the
// connection closes gently: the client gets the answer, not a reset.
func TestUnreadLargeBodyClosesGently(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	body := strings.Repeat("b", 8<<20)
	for i := range 10 {
		tr := &http.Transport{}
		resp, err := (&http.Client{Transport: tr}).Post("http://"+addr+"/", "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
		resp.Body.Close()
		tr.CloseIdleConnections()
		if resp.StatusCode != http.StatusForbidden || !resp.Close {
			t.Fatalf("post %d: status %d close %v, want 403 and close", i, resp.StatusCode, resp.Close)
		}
	}
}

// Body.Close in a handler does not wait for the rest of the body.
func TestBodyCloseDoesNotReadTheRest(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body.Close()
		if _, err := r.Body.Read(make([]byte, 1)); !errors.Is(err, http.ErrBodyReadAfterClose) {
			t.Errorf("read after Close: %v", err)
		}
		w.WriteHeader(http.StatusForbidden)
	}))
	c := dial(t, addr)
	c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" + strings.Repeat("s", 1000)) // then stalls
	if resp, _ := c.read("POST"); resp.StatusCode != http.StatusForbidden || !resp.Close {
		t.Fatalf("status %d close %v, want 403 and close", resp.StatusCode, resp.Close)
	}
}

// A handler's Connection: close is kept.
func TestHandlerConnectionClose(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, r.URL.Path)
	}))
	c := dial(t, addr)
	c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, body := c.read("GET"); body != "/a" || !resp.Close {
		t.Fatalf("body %q close %v", body, resp.Close)
	}
	if _, err := c.br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the handler's Connection: close: %v, want EOF", err)
	}
}

// A watch the handler leaves running is halted when the request ends; the
// next request on the connection is whole.
func TestLeakedWatchIsHalted(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		if r.URL.Path == "/leak" {
			Watcher(r.Context())() // never stopped
		}
		io.WriteString(w, r.URL.Path)
	}))
	c := dial(t, addr)
	c.send(post("/leak", "x"))
	if _, body := c.read("POST"); body != "/leak" {
		t.Fatalf("got %q", body)
	}
	c.send(post("/next", "y"))
	if _, body := c.read("POST"); body != "/next" {
		t.Fatalf("got %q", body)
	}
}

// Close cancels the requests in progress.
func TestCloseCancelsRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	inHandler, cancelled := make(chan struct{}), make(chan struct{})
	s := &Server{HTTP: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inHandler)
		<-r.Context().Done()
		close(cancelled)
	})}}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	c := dial(t, ln.Addr().String())
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	<-inHandler
	s.Close()
	<-cancelled
	<-served
}

// A client that stalls the rest of a small body loses the connection once
// drainTime has passed, rather than holding the loop.
func TestStalledBodyRestLosesTheConnection(t *testing.T) {
	old := drainTime
	t.Cleanup(func() { drainTime = old }) // after the server's Shutdown, registered later
	drainTime = 50 * time.Millisecond
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "early") // reads none of the body
	}))
	c := dial(t, addr)
	c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789") // then stalls
	if _, body := c.read("POST"); body != "early" {
		t.Fatalf("got %q", body)
	}
	if _, err := c.br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("with the body's rest stalled: %v, want the connection closed", err)
	}
}

// Two watches at once are one; both stops are safe.
func TestWatchTwiceIsOneWatch(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		watch := Watcher(r.Context())
		stop1 := watch()
		stop2 := watch()
		stop2()
		stop1()
		stop1()
		io.WriteString(w, r.URL.Path)
	}))
	c := dial(t, addr)
	for _, path := range []string{"/a", "/b"} {
		c.send(post(path, "x"))
		if _, body := c.read("POST"); body != path {
			t.Fatalf("got %q, want %q", body, path)
		}
	}
}

// Requests handed to net/http count as load: while one runs, the node is
// not quiet, and nothing polls.
func TestHandedOffRequestsCountAsLoad(t *testing.T) {
	var s *Server
	quiet := make(chan bool, 1)
	s = &Server{Poller: busypoll.New(time.Millisecond), HTTP: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			quiet <- s.requests.Quiet()
		})}}
	if s.Poller == nil {
		t.Skip("GOMAXPROCS 1: no Poller")
	}
	addr, _ := serveWith(t, s)
	c := dial(t, addr)
	c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n") // handed off
	c.read("HEAD")
	if <-quiet {
		t.Fatal("quiet while net/http served a request")
	}
}
