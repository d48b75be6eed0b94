package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

// HTTP requests to custom-runtime functions are passed through, as FC
// does: the runtime gets the method, the path and query (after the route's
// rewrite), the headers (without hop-by-hop and client x-fc-* ones, with
// the JWT claims the trigger passes on) and the body, streamed as the
// client sends it; its answer is streamed back as it writes it. Only when
// the route's auth must see the body (signature auth, a JWT in a form
// field) is the body read in full first.

// streamsBody says whether a request on rt may stream its body to the
// function: a synchronous call of a custom runtime whose auth does not
// read the body. The function is resolved for the check; a failure leaves
// the decision to the usual path, which reports it.
func (s *Server) streamsBody(ctx context.Context, r *http.Request, rt *webRoute) bool {
	if async, err := webInvocationType(r.Header); err != nil || async || authNeedsBody(rt.auth) {
		return false
	}
	res, err := s.resolve(ctx, rt.account, rt.function, rt.qualifier)
	return err == nil && fc.RuntimeKind(res.fn.Runtime) == fc.KindCustom
}

// authNeedsBody says whether an auth check reads the request body.
func authNeedsBody(a webAuth) bool {
	switch a := a.(type) {
	case nil:
		return false
	case *jwtAuth:
		for _, src := range a.sources {
			if src.Position == "form" {
				return true
			}
		}
		return false
	}
	return true // signature auth hashes the body; anything else is assumed to read it
}

// webBody is a request body streamed to a function, bounded by FC's
// synchronous payload limit. err records why it stopped early.
type webBody struct {
	r   io.Reader
	n   int64
	err error
}

func (b *webBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	switch {
	case b.n > fc.MaxSyncPayload:
		b.err = tooLargeWebBody()
		return 0, b.err
	case err != nil && err != io.EOF:
		b.err = fc.InvalidArgument("the request body could not be read: %v", err)
		return n, b.err
	}
	return n, err
}

func tooLargeWebBody() error {
	return fc.InvalidArgument("the request body exceeds the maximum allowed size (%d bytes)", fc.MaxSyncPayload)
}

// passWeb passes q to a custom runtime and streams the answer back.
func (s *Server) passWeb(w http.ResponseWriter, r *http.Request, rt *webRoute, res *resolved, q *webRequest) error {
	ctx := r.Context()
	// The engine's timeout frees the instance from a client that stalls
	// its body (BodyDeadline narrows the read deadline to the function's
	// once it runs) or stops reading the answer; these deadlines also end
	// this handler and the account's in-flight count: the queue wait and
	// the function's run, each at most its timeout, plus slack. Writers that
	// cannot take deadlines (tests' recorders) are left as they are.
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(2*res.target.Timeout + 5*time.Second)
	_ = rc.SetReadDeadline(deadline)
	_ = rc.SetWriteDeadline(deadline)
	hr := &sandbox.HTTPRequest{Method: q.method, Target: passTarget(r, q), Header: q.header, ContentLength: -1}
	var body *webBody
	switch {
	case q.body != nil:
		hr.Body, hr.ContentLength = bytes.NewReader(q.body), int64(len(q.body))
	case r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0:
		body = &webBody{r: r.Body}
		hr.Body, hr.ContentLength = body, r.ContentLength
		hr.BodyDeadline = func(d time.Time) { _ = rc.SetReadDeadline(d) } // the function's deadline, once it runs
	default:
		hr.ContentLength = 0
	}
	out, err := s.invoke(ctx, res, &sandbox.Invocation{RequestID: requestID(ctx), HTTP: hr})
	if body != nil && body.err != nil { // the client's failure, whatever the function made of it
		if out != nil && out.Stream != nil {
			out.Stream.Close()
		}
		return body.err
	}
	if err != nil {
		return err
	}
	if out.Stream == nil { // the engine's own answer: time-out, crash, …
		resp, err := toWebResponse(out)
		if err != nil {
			return err
		}
		writeWebResponse(w, resp, rt.cors, r.Header.Get("Origin"))
		return nil
	}
	defer out.Stream.Close()
	writeStreamHead(w, out, rt.cors, r.Header.Get("Origin"))
	copyFlushing(w, out.Stream)
	return nil
}

// passTarget is the path and query the function sees: the route's path
// after rewriting, the query as received unless it carries JWT claims or
// was changed. With claims, never the query as received: a pair Go's parser
// skips (one with ';' or a bad escape) could hold a claim name that another
// parser reads.
func passTarget(r *http.Request, q *webRequest) string {
	raw := r.URL.RawQuery
	if received, _ := url.ParseQuery(raw); q.queryClaims || !maps.EqualFunc(received, q.query, slices.Equal) {
		raw = q.query.Encode()
	}
	if raw == "" {
		return q.rawPath
	}
	return q.rawPath + "?" + raw
}

// writeStreamHead sends the function's status and headers; its
// Content-Length is kept, so that the client sees the length it declared.
func writeStreamHead(w http.ResponseWriter, out *sandbox.Result, cors *corsPolicy, origin string) {
	h := w.Header()
	length := out.Header.Get("Content-Length")
	for k, vs := range filterResponseHeaders(out.Header) {
		h[k] = vs
	}
	if n, err := strconv.ParseInt(length, 10, 64); err == nil && n >= 0 {
		h["Content-Length"] = []string{length}
	}
	if cors != nil {
		cors.decorate(h, origin)
	}
	w.WriteHeader(out.Status)
}

// streamBuffers are the buffers of streamed answers.
var streamBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyFlushing copies the function's answer to the client, flushing after
// every read so that the client gets each part as the function writes it.
// It stops at the first failure on either side; the client then sees a
// truncated answer, as from any proxy.
func copyFlushing(w http.ResponseWriter, src io.Reader) {
	bp := streamBuffers.Get().(*[]byte)
	defer streamBuffers.Put(bp)
	rc := http.NewResponseController(w)
	for {
		n, err := src.Read(*bp)
		if n > 0 {
			if _, werr := w.Write((*bp)[:n]); werr != nil {
				return
			}
			if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
