package process

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// maxResponse bounds the body read from a runtime (FC's sync payload limit).
const maxResponse = 32 << 20

// newTransport returns the keep-alive transport of one instance, which
// makes its connections with dial. Custom runtimes are the user's servers and
// commonly close idle connections after 2–5 s (gunicorn, Node's default),
// which races with reuse; so their idle connections are dropped first, after
// a second.
func newTransport(custom bool, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Transport {
	idle := 90 * time.Second
	if custom {
		idle = time.Second
	}
	return &http.Transport{
		DialContext:         dial,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     idle,
		DisableCompression:  true,
	}
}

// commonHeaders are the x-fc-* headers of every request to the instance.
func commonHeaders(spec *sandbox.Spec, id string) http.Header {
	h := http.Header{}
	set := func(k, v string) { h[http.CanonicalHeaderKey(k)] = []string{v} }
	set("x-fc-function-name", spec.Function)
	set("x-fc-function-handler", spec.Handler)
	set("x-fc-function-memory", strconv.Itoa(spec.MemoryMB))
	set("x-fc-function-timeout", seconds(invokeTimeout(spec)))
	set("x-fc-account-id", spec.AccountID)
	set("x-fc-region", spec.Region)
	set("x-fc-qualifier", spec.Qualifier)
	set("x-fc-version-id", spec.VersionID)
	set("x-fc-instance-id", id)
	if spec.Initializer != nil {
		set("x-fc-function-initializer", spec.Initializer.Handler)
		set("x-fc-initialization-timeout", seconds(hookTimeout(spec.Initializer)))
	}
	if spec.PreStop != nil {
		set("x-fc-instance-lifecycle-pre-stop-handler", spec.PreStop.Handler)
	}
	return h
}

// Per-request header keys and values, canonical already.
const (
	headerRequestID   = "X-Fc-Request-Id"
	headerControlPath = "X-Fc-Control-Path"
	headerStatus      = "X-Fc-Status"
)

var (
	controlInvoke     = []string{"/invoke"}
	controlInitialize = []string{"/initialize"}
	controlPreStop    = []string{"/pre-stop"}
)

// call is one HTTP exchange with the runtime.
type call struct {
	method, url string
	control     []string
	requestID   string
	body        []byte
	extra       http.Header
}

// reply is what the runtime answered.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// failed says whether the runtime reports a failed invocation: status 404
// or x-fc-status: 404 (fc3-api.md §8.4).
func (r *reply) failed() bool {
	return r.status == http.StatusNotFound || r.header.Get(headerStatus) == "404"
}

// do sends c and reads the whole answer.
func (i *Instance) do(ctx context.Context, c *call) (*reply, error) {
	req, err := http.NewRequestWithContext(ctx, c.method, c.url, bytes.NewReader(c.body))
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", c.url, err)
	}
	h := make(http.Header, len(i.headers)+len(c.extra)+3)
	for k, v := range c.extra {
		h[k] = v
	}
	for k, v := range i.headers { // the platform's own headers win
		h[k] = v
	}
	h[headerRequestID] = []string{c.requestID}
	h[headerControlPath] = c.control
	if c.body != nil {
		h["Content-Type"] = contentTypeOctet
	}
	req.Header = h
	resp, err := i.client.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return nil, err
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

var contentTypeOctet = []string{"application/octet-stream"}

// readBody reads at most maxResponse bytes, sized by Content-Length when known.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > maxResponse {
		return nil, fmt.Errorf("response of %d bytes exceeds %d", resp.ContentLength, maxResponse)
	}
	if resp.ContentLength >= 0 {
		b := make([]byte, resp.ContentLength)
		_, err := io.ReadFull(resp.Body, b)
		return b, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err == nil && len(b) > maxResponse {
		return nil, fmt.Errorf("response exceeds %d bytes", maxResponse)
	}
	return b, err
}

// passHeader drops the headers that describe the runtime's HTTP exchange
// rather than the result.
func passHeader(h http.Header) http.Header {
	delete(h, "Content-Length")
	delete(h, "Date")
	delete(h, "Connection")
	delete(h, "Keep-Alive")
	delete(h, "Transfer-Encoding")
	delete(h, headerStatus)
	return h
}
