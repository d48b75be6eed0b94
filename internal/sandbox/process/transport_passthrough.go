package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// invokeHTTP passes inv.HTTP to the runtime as it came and returns its
// answer as a stream. The invocation's log ends, and its time-out stops
// applying, when the stream is closed. A request body that cannot be read
// is the caller's failure: the Result says so and the instance stays
// usable.
func (i *Instance) invokeHTTP(ctx context.Context, id string, inv *sandbox.Invocation) (*sandbox.Result, error) {
	lg := i.capture.begin(phaseInvoke, id, false)
	start := time.Now()
	deadline := start.Add(invokeTimeout(i.spec))
	if inv.HTTP.BodyDeadline != nil && inv.HTTP.Body != nil {
		inv.HTTP.BodyDeadline(deadline)
	}
	resp, err := i.client.roundTrip(ctx, deadline, i.httpRequest(id, inv))
	if err != nil {
		elapsed := time.Since(start)
		var res *sandbox.Result
		var source *sourceError
		if errors.As(err, &source) && ctx.Err() == nil {
			res, err = &sandbox.Result{Status: http.StatusOK, ErrorType: sandbox.ErrorUnhandled,
				Body: errorBody("The request body could not be read: "+source.err.Error(), "")}, nil
		} else {
			res, err = i.outcome(ctx, deadline, nil, err, elapsed)
		}
		memory := i.maxMemory()
		i.capture.end(lg, summary{elapsed: elapsed, memoryMB: i.spec.MemoryMB, maxMemory: memory})
		if res != nil {
			res.Duration, res.MaxMemory = elapsed, memory
		}
		return res, err
	}
	s := &stream{i: i, ctx: ctx, body: resp.body, lg: lg, start: start, deadline: deadline}
	length := resp.header["Content-Length"]
	h := passHeader(resp.header)
	if n, known, err := contentLength(length); err == nil && known && n <= maxResponse && resp.body.chunked == nil {
		h["Content-Length"] = length[:1] // the stream keeps its declared length
	}
	return &sandbox.Result{Status: resp.status, Header: h, Stream: s,
		Duration: time.Since(start), MaxMemory: i.maxMemory()}, nil
}

// httpRequest is inv.HTTP as the runtime gets it, with the platform's
// headers.
func (i *Instance) httpRequest(id string, inv *sandbox.Invocation) *request {
	h := inv.HTTP
	req := &request{method: h.Method, target: h.Target, host: h.Header.Get("Host"), common: i.commonHead(),
		commonKeys: i.headers, extra: inv.Header, header: h.Header, requestID: id, control: controlInvoke}
	if h.Body != nil && h.ContentLength != 0 {
		req.stream, req.streamLen = h.Body, h.ContentLength
	}
	return req
}

// stream is the body of an HTTP invocation's answer, at most maxResponse
// bytes of it (see sandbox.Result.Stream).
type stream struct {
	i               *Instance
	ctx             context.Context
	body            *body
	lg              *invLog
	start, deadline time.Time
	n               int64
	failed          bool // the exchange failed on the runtime's side, by time-out or by ctx
	eof             bool // the answer was read to its end
	closed          bool
	broken          bool
}

var _ sandbox.BrokenReporter = (*stream)(nil)

// errStreamTooLarge ends a stream beyond maxResponse bytes.
var errStreamTooLarge = fmt.Errorf("response exceeds %d bytes", maxResponse)

// Read reads the runtime's answer as it arrives.
func (s *stream) Read(p []byte) (int, error) {
	if s.closed {
		return 0, errBodyClosed
	}
	if left := maxResponse - s.n; int64(len(p)) > left+1 {
		p = p[:left+1]
	}
	n, err := s.body.Read(p)
	s.n += int64(n)
	switch {
	case s.n > maxResponse:
		s.body.Close()
		return n - int(s.n-maxResponse), errStreamTooLarge
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.failed = true
	}
	return n, err
}

// Close ends the invocation: a stream that failed by time-out kills the
// instance, as Invoke does, and any failure, or the caller's cancellation
// before the end, marks it broken. A stream closed early by a caller whose
// ctx is live leaves the instance usable.
func (s *stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.body.Close()
	if !s.eof && s.ctx.Err() != nil { // cancelled: the runtime may still be answering
		s.failed = true
	}
	if s.failed {
		s.broken = true
		if s.ctx.Err() == nil && !time.Now().Before(s.deadline) {
			s.i.signal(syscall.SIGKILL)
		} else if s.ctx.Err() == nil {
			s.i.log.Warn("runtime exchange failed while streaming", "err", s.body.err)
		}
	}
	elapsed := time.Since(s.start)
	s.i.capture.end(s.lg, summary{elapsed: elapsed, memoryMB: s.i.spec.MemoryMB, maxMemory: s.i.maxMemory()})
	return nil
}

// Broken says, after Close, whether the instance must not be used again.
func (s *stream) Broken() bool { return s.broken }
