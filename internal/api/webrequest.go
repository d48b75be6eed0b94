package api

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// webRequest is a request to an HTTP trigger or custom domain as the
// function will see it. The route's rewrite rules and the JWT claims change
// it before the event is built; the request as received stays untouched for
// signature checks.
type webRequest struct {
	method  string
	rawPath string // escaped, starts with '/'
	query   url.Values
	// queryClaims: the query carries JWT claims, so the function gets query
	// as encoded here, never the query as received (passTarget).
	queryClaims bool
	header      http.Header // a copy without hop-by-hop and client x-fc-* headers
	body        []byte
	host        string
	proto       string
	remoteIP    string
	received    time.Time
}

// webAuth authenticates a request to an HTTP trigger or custom domain. r is
// the request as received; q is what the function will see, which check may
// extend (JWT claims passed on).
type webAuth interface {
	check(ctx context.Context, r *http.Request, q *webRequest) error
}

// hopHeaders describe one connection, not the request (RFC 9110 §7.6.1).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func newWebRequest(r *http.Request, rawPath string, body []byte, now time.Time) *webRequest {
	q, _ := url.ParseQuery(r.URL.RawQuery) // what parses is kept, as web servers do
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return &webRequest{method: r.Method, rawPath: rawPath, query: q, header: functionHeaders(r),
		body: body, host: r.Host, proto: r.Proto, remoteIP: ip, received: now}
}

// functionHeaders copies the request headers a function may see: without
// hop-by-hop headers (and those Connection names) and without x-fc-*
// headers, which only the platform sets.
func functionHeaders(r *http.Request) http.Header {
	h := r.Header.Clone()
	for _, c := range h.Values("Connection") {
		for _, name := range strings.Split(c, ",") {
			h.Del(strings.TrimSpace(name))
		}
	}
	for _, k := range hopHeaders {
		delete(h, k)
	}
	for k := range h {
		if isFCHeader(k) {
			delete(h, k)
		}
	}
	if r.Host != "" {
		h.Set("Host", r.Host)
	}
	return h
}

func isFCHeader(name string) bool {
	return len(name) >= 5 && strings.EqualFold(name[:5], "x-fc-")
}

// path is the decoded path; an undecodable one is used as it came.
func (q *webRequest) path() string {
	p, err := url.PathUnescape(q.rawPath)
	if err != nil {
		return q.rawPath
	}
	return p
}

// setPath replaces the path with p (decoded).
func (q *webRequest) setPath(p string) {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	q.rawPath = (&url.URL{Path: p}).EscapedPath()
}

// requestPath is the request target's path as received, still escaped.
func requestPath(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		path, _, _ := strings.Cut(r.RequestURI, "?")
		return path
	}
	return r.URL.EscapedPath()
}
