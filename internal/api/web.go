package api

import (
	"net/http"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/store"
)

// serveWeb answers the requests that come in as plain HTTP rather than FC
// API calls: to an HTTP trigger (a path under triggerPrefix) or to a custom
// domain (by Host). It reports whether r was one of them.
func (s *Server) serveWeb(w http.ResponseWriter, r *http.Request) bool {
	rt, rawPath, matched, err := s.matchWeb(r)
	if !matched {
		return false
	}
	if err == nil {
		err = s.serveRoute(w, r, rt, rawPath)
	}
	if err != nil {
		s.writeWebError(w, r, rt, err)
	}
	return true
}

// matchWeb finds the route of r and the escaped path its function sees.
// Paths of the FC API and of Yun's own (/yun/…) are never a custom
// domain's: a tenant whose domain name is also a host the API is reached
// at must not capture other callers' API requests.
func (s *Server) matchWeb(r *http.Request) (rt *webRoute, rawPath string, matched bool, err error) {
	p := requestPath(r)
	if !strings.HasPrefix(p, apiPrefix) && !strings.HasPrefix(p, "/yun/") {
		if d := s.domainFor(r); d != nil {
			rt, err = d.match(r.URL.Path)
			return rt, p, true, err
		}
	}
	if !strings.HasPrefix(p, triggerPrefix) {
		return nil, "", false, nil
	}
	t, err := parseTriggerPath(p)
	if err != nil {
		return nil, "", true, err
	}
	rt, err = s.httpTriggerRoute(r.Context(), t.account, t.function, t.qualifier)
	return rt, t.rest, true, err
}

// serveRoute runs one request through a route: limits, CORS preflight,
// methods, auth, flow control, then the invocation.
func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt *webRoute, rawPath string) (err error) {
	ctx := r.Context()
	if err := checkWebLimits(r, rawPath); err != nil {
		return err
	}
	if rt.cors != nil && isPreflight(r) {
		return rt.cors.preflight(w, r)
	}
	if !rt.allows(r.Method) {
		w.Header().Set("Allow", strings.Join(rt.methods, ", "))
		return fc.MethodNotAllowed(r.Method, rt.methods)
	}
	var body []byte
	if s.streamsBody(ctx, r, rt) {
		if r.ContentLength > fc.MaxSyncPayload {
			return tooLargeWebBody()
		}
	} else if body, err = readWebBody(r); err != nil {
		return err
	}
	q := newWebRequest(r, rawPath, body, s.now())
	if rt.auth != nil {
		if err := rt.auth.check(ctx, r, q); err != nil {
			return err
		}
	}
	if p, ok := rt.rewrite.rewrite(q.path()); ok {
		q.setPath(p)
	}
	// The function's account pays for the request (disabled accounts and
	// the request rate apply), whoever the anonymous caller is.
	if err := s.admit(ctx, &store.AccessKey{AccountID: rt.account}); err != nil {
		return err
	}
	return s.invokeWeb(w, r, rt, q)
}

// invokeWeb resolves the route's function and runs the request. Built-in
// runtimes get FC's HTTP event and answer with a return value; custom
// runtimes get the request itself and answer it directly (webstream.go).
// X-Fc-Invocation-Type: Async queues the event instead, for built-in
// runtimes only.
func (s *Server) invokeWeb(w http.ResponseWriter, r *http.Request, rt *webRoute, q *webRequest) error {
	ctx := r.Context()
	async, err := webInvocationType(r.Header)
	if err != nil {
		return err
	}
	res, err := s.resolve(ctx, rt.account, rt.function, rt.qualifier)
	if err != nil {
		return err
	}
	if fc.RuntimeKind(res.fn.Runtime) == fc.KindCustom {
		if async {
			return fc.Errorf(http.StatusNotImplemented, fc.CodeNotSupported,
				"asynchronous HTTP requests to custom-runtime functions are not supported by this Yun version; send them synchronously")
		}
		return s.passWeb(w, r, rt, res, q)
	}
	event := newHTTPEvent(q, rt.account, requestID(ctx), rt.triggerID)
	if async {
		return s.invokeWebAsync(w, r, rt, event)
	}
	out, err := s.invoke(ctx, res, &sandbox.Invocation{RequestID: requestID(ctx), Body: event})
	if err != nil {
		return err
	}
	resp, err := toWebResponse(out)
	if err != nil {
		return err
	}
	writeWebResponse(w, resp, rt.cors, r.Header.Get("Origin"))
	return nil
}

// webInvocationType reads X-Fc-Invocation-Type: Sync (the default) or Async.
func webInvocationType(h http.Header) (async bool, err error) {
	switch t := h.Get(headerInvocationType); {
	case t == "" || strings.EqualFold(t, "Sync"):
		return false, nil
	case strings.EqualFold(t, "Async"):
		return true, nil
	default:
		return false, fc.InvalidArgument("%s %q is invalid: Sync or Async", headerInvocationType, t)
	}
}

// writeWebError answers err as FC's error JSON, with the route's CORS
// headers (so that a browser can read it) and, for a refused token, a
// WWW-Authenticate challenge.
func (s *Server) writeWebError(w http.ResponseWriter, r *http.Request, rt *webRoute, err error) {
	if rt != nil && rt.cors != nil {
		rt.cors.decorate(w.Header(), r.Header.Get("Origin"))
	}
	if e, ok := fc.AsError(err); ok && e.Code == fc.CodeUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	s.writeError(w, r, err)
}
