package warmpath

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Reference proxies: what the simplest middlemen cost on the same way to the
// same instance, measured in the same run as Yun. Each runs in a process of
// its own, as Yun does, listens on the host's loopback like Yun's API and
// reaches the instance the way the direct path does (inside its network
// namespace when it has one). Their clients send the direct path's request.
const (
	refL4           = "l4"
	refProxy        = "proxy"
	refReverseProxy = "reverseproxy"
)

// refKinds are the reference proxies in the order the report lists them,
// with what each is.
var refKinds = []struct{ name, what string }{
	{refL4, "an L4 copy: one instance connection per client connection, bytes copied both ways (`io.Copy`, " +
		"splice(2) on Linux), no HTTP parsing"},
	{refProxy, "a minimal HTTP/1.1 proxy: one instance connection per client connection, each request and answer " +
		"parsed and re-written by net/http (`http.ReadRequest`, `Request.Write`, `http.ReadResponse`, " +
		"`Response.Write`), nothing else"},
	{refReverseProxy, "Go's `httputil.ReverseProxy` served by `net/http`, with a pooled `http.Transport` to the " +
		"instance"},
}

// refWhat describes the reference proxy kind.
func refWhat(kind string) string {
	for _, k := range refKinds {
		if k.name == kind {
			return k.what
		}
	}
	return ""
}

// RefCommand is the hidden yunbench sub-command that runs one reference
// proxy (ServeReference).
const RefCommand = "refproxy"

// ServeReference runs one reference proxy: the process a run starts with
// `yunbench refproxy`. It prints its port on stdout and serves until stdin
// closes (its parent ended it, or died) or ctx ends.
func ServeReference(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet(RefCommand, flag.ContinueOnError)
	kind := fs.String("kind", refL4, "l4, proxy or reverseproxy")
	backend := fs.String("backend", "", "the instance's host:port")
	netnsPID := fs.Int("netns-pid", 0, "dial the backend inside this process's network namespace (0: the host's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var dial dialFunc
	if *netnsPID > 0 {
		dial = netnsDial(*netnsPID)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	serve, err := referenceServer(*kind, *backend, dial)
	if err != nil {
		ln.Close()
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // ends when stdin does
		_, _ = io.Copy(io.Discard, stdin)
		cancel()
	}()
	if _, err := fmt.Fprintln(stdout, ln.Addr().(*net.TCPAddr).Port); err != nil {
		ln.Close()
		return err
	}
	return serve(ctx, ln)
}

// referenceServer returns what serves ln as the kind of proxy in front of
// backend until ctx ends.
func referenceServer(kind, backend string, dial dialFunc) (func(context.Context, net.Listener) error, error) {
	if backend == "" {
		return nil, errors.New("refproxy: -backend is required")
	}
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	switch kind {
	case refL4:
		return func(ctx context.Context, ln net.Listener) error {
			return acceptLoop(ctx, ln, func(c net.Conn) { copyBothWays(ctx, c, backend, dial) })
		}, nil
	case refProxy:
		return func(ctx context.Context, ln net.Listener) error {
			return acceptLoop(ctx, ln, func(c net.Conn) { proxyRequests(ctx, c, backend, dial) })
		}, nil
	case refReverseProxy:
		target := &url.URL{Scheme: "http", Host: backend}
		rp := &httputil.ReverseProxy{
			Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
			Transport: &http.Transport{DialContext: dial, MaxIdleConns: 256, MaxIdleConnsPerHost: 256},
		}
		return func(ctx context.Context, ln net.Listener) error {
			srv := &http.Server{Handler: rp, ReadHeaderTimeout: 10 * time.Second}
			go func() {
				<-ctx.Done()
				srv.Close()
			}()
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		}, nil
	}
	return nil, fmt.Errorf("refproxy: kind %q: want %s, %s or %s", kind, refL4, refProxy, refReverseProxy)
}

// acceptLoop serves every connection on its own goroutine until ctx ends,
// then closes them all and waits for their goroutines.
func acceptLoop(ctx context.Context, ln net.Listener, serve func(net.Conn)) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]struct{}{}
	)
	stop := context.AfterFunc(ctx, func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	defer stop()
	for {
		c, err := ln.Accept()
		if err != nil {
			wg.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		mu.Lock()
		conns[c] = struct{}{}
		mu.Unlock()
		wg.Go(func() {
			defer func() {
				mu.Lock()
				delete(conns, c)
				mu.Unlock()
				c.Close()
			}()
			serve(c)
		})
	}
}

// copyBothWays is the L4 copy of one client connection.
func copyBothWays(ctx context.Context, c net.Conn, backend string, dial dialFunc) {
	b, err := dial(ctx, "tcp", backend)
	if err != nil {
		return
	}
	defer b.Close()
	done := make(chan struct{})
	go func() { // ends when the client's side does
		defer close(done)
		_, _ = io.Copy(b, c)
		b.Close()
	}()
	_, _ = io.Copy(c, b)
	c.Close()
	<-done
}

// proxyRequests is the minimal HTTP/1.1 proxy of one client connection: one
// request at a time, parsed and re-written both ways, on one instance
// connection, re-dialled when the instance closed it while idle (Node.js
// does after 5 s), as any proxy must.
func proxyRequests(ctx context.Context, c net.Conn, backend string, dial dialFunc) {
	var b *backendConn
	defer func() {
		if b != nil {
			b.Close()
		}
	}()
	cr, cw := bufio.NewReader(c), bufio.NewWriter(c)
	for {
		req, err := http.ReadRequest(cr)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		var resp *http.Response
		for attempt := 0; resp == nil; attempt++ {
			if b == nil {
				if b, err = dialBackend(ctx, backend, dial); err != nil {
					return
				}
			}
			fresh := b.used == 0
			req.Body = io.NopCloser(bytes.NewReader(body))
			if resp, err = b.roundTrip(req); err != nil {
				b.Close()
				b = nil
				if fresh || attempt > 0 {
					return
				}
			}
		}
		err = resp.Write(cw)
		resp.Body.Close()
		if err != nil || cw.Flush() != nil || resp.Close || req.Close {
			return
		}
	}
}

// backendConn is the minimal proxy's connection to the instance.
type backendConn struct {
	net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	used int // answers read
}

func dialBackend(ctx context.Context, backend string, dial dialFunc) (*backendConn, error) {
	conn, err := dial(ctx, "tcp", backend)
	if err != nil {
		return nil, err
	}
	return &backendConn{Conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn)}, nil
}

// roundTrip writes req and reads its answer's head.
func (b *backendConn) roundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Write(b.w); err != nil {
		return nil, err
	}
	if err := b.w.Flush(); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(b.r, req)
	if err == nil {
		b.used++
	}
	return resp, err
}

// reference is a running reference proxy process.
type reference struct {
	kind  string
	port  string
	cmd   *exec.Cmd
	stdin io.Closer
}

// startReference starts `yunbench refproxy` (this executable) as the kind of
// proxy in front of backend, dialling inside the network namespace of
// netnsPID when it is positive.
func startReference(ctx context.Context, kind, backend string, netnsPID int) (*reference, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, RefCommand, "-kind", kind, "-backend", backend, "-netns-pid", strconv.Itoa(netnsPID))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the %s reference proxy: %w", kind, err)
	}
	ref := &reference{kind: kind, cmd: cmd, stdin: stdin}
	line := make(chan string, 1)
	go func() { // ends with the first line or the child's stdout
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case ref.port = <-line:
	case <-time.After(10 * time.Second):
	case <-ctx.Done():
	}
	if _, err := strconv.Atoi(ref.port); err != nil {
		ref.stop()
		return nil, fmt.Errorf("the %s reference proxy did not print its port", kind)
	}
	return ref, nil
}

func (r *reference) pid() int { return r.cmd.Process.Pid }

// stop ends the proxy: closing its stdin asks it to, a kill by its PID makes
// sure.
func (r *reference) stop() {
	r.stdin.Close()
	done := make(chan struct{})
	go func() { // ends when the child is reaped
		_ = r.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = r.cmd.Process.Kill()
		<-done
	}
}
