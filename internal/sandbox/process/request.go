package process

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// maxResponse bounds the body read from a runtime (FC's sync payload limit).
const maxResponse = 32 << 20

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

// call is one exchange with a lifecycle endpoint of the runtime.
type call struct {
	method, url string // url: one of Instance.urls
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

// request builds the request of c.
func (i *Instance) request(c *call) *request {
	return &request{method: c.method, target: strings.TrimPrefix(c.url, "http://"+i.addr), common: i.commonHead(), commonKeys: i.headers, extra: c.extra,
		requestID: c.requestID, control: c.control, body: c.body, octet: c.body != nil}
}

// do sends c and reads the whole answer, within ctx.
func (i *Instance) do(ctx context.Context, c *call) (*reply, error) {
	deadline, _ := ctx.Deadline()
	return i.exchange(ctx, deadline, i.request(c))
}

// exchange sends req and reads the whole answer, at most maxResponse
// bytes of it.
func (i *Instance) exchange(ctx context.Context, deadline time.Time, req *request) (*reply, error) {
	resp, err := i.client.roundTrip(ctx, deadline, req)
	if err != nil {
		return nil, err
	}
	body, err := resp.body.readAll(maxResponse)
	if err != nil {
		return nil, ctxError(ctx, err)
	}
	return &reply{status: resp.status, header: resp.header, body: body}, nil
}

// commonHead is the instance's common headers as written on the wire,
// made once.
func (i *Instance) commonHead() []byte {
	i.client.headOnce.Do(func() { i.client.head = appendHeader(nil, i.headers) })
	return i.client.head
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
