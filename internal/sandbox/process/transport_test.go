package process

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer is an httptest server that counts its connections.
type countingServer struct {
	*httptest.Server
	conns atomic.Int64
}

func newCountingServer(t *testing.T, h http.HandlerFunc) *countingServer {
	t.Helper()
	s := &countingServer{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func testTransport(addr string) *transport {
	return newTransport(false, addr, (&net.Dialer{}).DialContext)
}

func addrOf(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }

// invokeReq is a POST /invoke with common headers h.
func invokeReq(h http.Header, body []byte) *request {
	return &request{method: http.MethodPost, target: "/invoke", common: appendHeader(nil, h), commonKeys: h,
		requestID: "req-1", control: controlInvoke, octet: body != nil, body: body}
}

func roundTripAll(t *testing.T, tr *transport, req *request) *reply {
	t.Helper()
	resp, err := tr.roundTrip(context.Background(), time.Now().Add(10*time.Second), req)
	if err != nil {
		t.Fatalf("roundTrip = %v, want nil", err)
	}
	b, err := resp.body.readAll(maxResponse)
	if err != nil {
		t.Fatalf("read body = %v, want nil", err)
	}
	return &reply{status: resp.status, header: resp.header, body: b}
}

func TestTransportFraming(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789"), 100_000)
	cases := []struct {
		name  string
		write func(w http.ResponseWriter)
		want  []byte
	}{
		{"ContentLength", func(w http.ResponseWriter) { w.Header().Set("Content-Length", "5"); w.Write([]byte("hello")) }, []byte("hello")},
		{"Empty", func(w http.ResponseWriter) {}, []byte{}},
		{"Chunked", func(w http.ResponseWriter) {
			w.Write([]byte("one,"))
			w.(http.Flusher).Flush()
			w.Write([]byte("two"))
		}, []byte("one,two")},
		{"ChunkedTrailer", func(w http.ResponseWriter) {
			w.Header().Set("Trailer", "X-Sum")
			w.Write([]byte("abc"))
			w.(http.Flusher).Flush()
			w.Header().Set("X-Sum", "3")
		}, []byte("abc")},
		{"Large", func(w http.ResponseWriter) { w.Write(big) }, big},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				c.write(w)
			})
			tr := testTransport(addrOf(srv.Server))
			for range 3 {
				rep := roundTripAll(t, tr, invokeReq(http.Header{}, []byte("event")))
				if rep.status != 200 || !bytes.Equal(rep.body, c.want) {
					t.Fatalf("got %d %q, want 200 %q", rep.status, clip(rep.body, 40), clip(c.want, 40))
				}
			}
			if n := srv.conns.Load(); n != 1 {
				t.Errorf("server saw %d connections for 3 sequential requests, want 1 (reuse)", n)
			}
		})
	}
}

func TestTransportHeaders(t *testing.T) {
	var got http.Header
	var gotHost string
	var gotLen int64
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		got, gotHost, gotLen = r.Header.Clone(), r.Host, r.ContentLength
		w.Header().Set("X-Reply", "yes")
	})
	common := http.Header{"X-Fc-Function-Name": {"fn"}, "X-Fc-Account-Id": {"acc"}}
	req := invokeReq(common, []byte("abc"))
	req.extra = http.Header{"X-Fc-Function-Name": {"spoofed"}, "X-Fc-Custom": {"c"}, "X-Fc-Request-Id": {"spoofed"},
		"Content-Length": {"999"}, "Bad Name": {"x"}, "X-Multi": {"a\r\nInjected: 1"}}
	rep := roundTripAll(t, testTransport(addrOf(srv.Server)), req)
	want := map[string]string{"X-Fc-Function-Name": "fn", "X-Fc-Account-Id": "acc", "X-Fc-Custom": "c",
		"X-Fc-Request-Id": "req-1", "X-Fc-Control-Path": "/invoke", "Content-Type": "application/octet-stream",
		"User-Agent": "Go-http-client/1.1", "X-Multi": "a Injected: 1"}
	for k, v := range want {
		if g := got.Values(k); len(g) != 1 || g[0] != v {
			t.Errorf("header %s = %q, want [%q]", k, g, v)
		}
	}
	if got.Get("Injected") != "" || got.Get("Bad Name") != "" {
		t.Errorf("headers %v: an injected or invalid header got through", got)
	}
	if gotHost != addrOf(srv.Server) || gotLen != 3 {
		t.Errorf("Host %q ContentLength %d, want %q 3", gotHost, gotLen, addrOf(srv.Server))
	}
	if rep.header.Get("X-Reply") != "yes" {
		t.Errorf("response header X-Reply = %q, want yes", rep.header.Get("X-Reply"))
	}
}

func TestTransportResponseLimits(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/declared":
			w.Header().Set("Content-Length", fmt.Sprint(maxResponse+1))
			w.WriteHeader(200)
		case "/chunked":
			chunk := make([]byte, 1<<20)
			for i := 0; i <= maxResponse>>20; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	})
	tr := testTransport(addrOf(srv.Server))
	for _, path := range []string{"/declared", "/chunked"} {
		req := invokeReq(http.Header{}, nil)
		req.target = path
		resp, err := tr.roundTrip(context.Background(), time.Now().Add(30*time.Second), req)
		if err != nil {
			t.Fatalf("%s: roundTrip = %v", path, err)
		}
		if _, err := resp.body.readAll(maxResponse); !errors.Is(err, errResponseTooLarge) {
			t.Errorf("%s: readAll = %v, want the size error", path, err)
		}
	}
}

// rawServer answers each connection with handle, reading requests with
// net/http's parser.
func rawServer(t *testing.T, handle func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c, bufio.NewReader(c))
			})
		}
	})
	return l.Addr().String()
}

func TestTransportStaleConnection(t *testing.T) {
	var conns atomic.Int64
	closed := make(chan struct{}, 10)
	// One answer per connection, then the server closes it without saying
	// so: the next request must notice and use a new connection.
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		defer func() { closed <- struct{}{} }()
		defer c.Close()
		conns.Add(1)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	})
	tr := testTransport(addr)
	for i := range 3 {
		rep := roundTripAll(t, tr, invokeReq(http.Header{}, []byte("x")))
		if string(rep.body) != "ok" {
			t.Fatalf("request %d: body %q, want ok", i, rep.body)
		}
		<-closed
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("server saw %d connections, want 3", n)
	}
}

func TestTransportCloseDelimited(t *testing.T) {
	var conns atomic.Int64
	addr := rawServer(t, func(c net.Conn, br *bufio.Reader) {
		conns.Add(1)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		io.WriteString(c, "HTTP/1.0 200 OK\r\nX-A: 1\r\n\r\nuntil close")
	})
	tr := testTransport(addr)
	for range 2 {
		if rep := roundTripAll(t, tr, invokeReq(http.Header{}, nil)); string(rep.body) != "until close" {
			t.Fatalf("body %q, want %q", rep.body, "until close")
		}
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("server saw %d connections, want 2 (no reuse after a close-delimited body)", n)
	}
}

func TestTransportDeadlineAndCancel(t *testing.T) {
	release := make(chan struct{})
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	tr := testTransport(addrOf(srv.Server))
	_, err := tr.roundTrip(context.Background(), time.Now().Add(50*time.Millisecond), invokeReq(http.Header{}, nil))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("roundTrip past its deadline = %v, want a deadline error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = tr.roundTrip(ctx, time.Time{}, invokeReq(http.Header{}, nil))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("roundTrip with ctx cancelled = %v, want context.Canceled", err)
	}
}

func TestTransportStreamedRequest(t *testing.T) {
	type seen struct {
		method, uri, te, body string
		length                int64
	}
	got := make(chan seen, 2)
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.RequestURI, strings.Join(r.TransferEncoding, ","), string(b), r.ContentLength}
	})
	tr := testTransport(addrOf(srv.Server))
	for _, n := range []int64{-1, 11} {
		req := &request{method: http.MethodPut, target: "/a/b?x=1&y=%20", header: http.Header{"X-User": {"u"}},
			stream: io.MultiReader(strings.NewReader("hello "), strings.NewReader("world")), streamLen: n}
		roundTripAll(t, tr, req)
		s := <-got
		if s.method != "PUT" || s.uri != "/a/b?x=1&y=%20" || s.body != "hello world" || s.length != n {
			t.Errorf("streamLen %d: server saw %+v", n, s)
		}
	}
}

// BenchmarkExchange compares one warm POST /invoke exchange over the
// engine's transport with the same exchange over net/http.Transport, the
// client side's cost only (the server is in the same process):
//
//	go test -run '^$' -bench BenchmarkExchange -benchmem ./internal/sandbox/process
func BenchmarkExchange(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("9000"))
	}))
	defer srv.Close()
	common := http.Header{"X-Fc-Function-Name": {"fn"}, "X-Fc-Account-Id": {"acc"}, "X-Fc-Region": {"cn-yun"}}
	event := []byte("ping")
	b.Run("engine", func(b *testing.B) {
		tr := testTransport(addrOf(srv))
		for b.Loop() {
			resp, err := tr.roundTrip(context.Background(), time.Now().Add(10*time.Second), invokeReq(common, event))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := resp.body.readAll(maxResponse); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("net/http", func(b *testing.B) {
		tr := &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}
		defer tr.CloseIdleConnections()
		for b.Loop() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/invoke", bytes.NewReader(event))
			h := common.Clone()
			h["X-Fc-Request-Id"] = []string{"req-1"}
			h["X-Fc-Control-Path"] = []string{"/invoke"}
			h["Content-Type"] = []string{"application/octet-stream"}
			req.Header = h
			resp, err := tr.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()
			cancel()
		}
	})
}
