package api

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// jwtAuth is the jwt auth type: find the token, verify it, pass the
// configured claims to the function. Claim headers, parameters and cookies
// the client sent itself are removed first, so a function can trust them.
type jwtAuth struct {
	keys      []verifyKey
	sources   []fc.TokenSource
	claims    []fc.ClaimMapping
	whitelist []string // paths that skip verification
	blacklist []string // if set, the only paths that need it
	now       func() time.Time
}

func newJWTAuth(text string, now func() time.Time) (*jwtAuth, error) {
	c, err := fc.ParseJWTAuthConfig(text)
	if err != nil {
		return nil, err
	}
	keys, err := parseJWKS(c.JWKS)
	if err != nil {
		return nil, err
	}
	sources := c.TokenLookup
	if len(sources) == 0 {
		sources = []fc.TokenSource{fc.DefaultTokenSource}
	}
	return &jwtAuth{keys: keys, sources: sources, claims: c.ClaimPassBy,
		whitelist: c.Whitelist, blacklist: c.Blacklist, now: now}, nil
}

func (a *jwtAuth) check(_ context.Context, _ *http.Request, q *webRequest) error {
	a.dropClaimParams(q)
	if !a.applies(q.path()) {
		return nil
	}
	token, ok := a.lookup(q)
	if !ok {
		return unauthorized("no token found in %s", a.describeSources())
	}
	claims, err := verifyJWT(token, a.keys, a.now())
	if err != nil {
		return unauthorized("%v", err)
	}
	a.passClaims(q, claims)
	return nil
}

func unauthorized(format string, args ...any) *fc.Error {
	return fc.Errorf(http.StatusUnauthorized, fc.CodeUnauthorized, format, args...)
}

// applies says whether path needs a token under the white or black list.
// The lists are matched on the path with its dot segments and repeated
// slashes resolved, as a server behind would resolve them: else
// /public/../admin would pass a whitelist of /public/* and reach /admin.
func (a *jwtAuth) applies(raw string) bool {
	clean := path.Clean(raw)
	if strings.HasSuffix(raw, "/") && clean != "/" {
		clean += "/"
	}
	if len(a.blacklist) > 0 {
		return matchAnyPath(a.blacklist, clean)
	}
	return !matchAnyPath(a.whitelist, clean)
}

// matchAnyPath matches exact paths and prefixes written as "/p/*".
func matchAnyPath(patterns []string, path string) bool {
	for _, p := range patterns {
		if prefix, wild := strings.CutSuffix(p, "*"); (wild && strings.HasPrefix(path, prefix)) || p == path {
			return true
		}
	}
	return false
}

// lookup returns the first token found in the configured places.
func (a *jwtAuth) lookup(q *webRequest) (string, bool) {
	for _, s := range a.sources {
		if v := tokenFrom(q, s); v != "" {
			return v, true
		}
	}
	return "", false
}

func tokenFrom(q *webRequest, s fc.TokenSource) string {
	switch s.Position {
	case "header":
		v := q.header.Get(s.Name)
		if s.Prefix == "" {
			return strings.TrimSpace(v)
		}
		p := strings.TrimSpace(s.Prefix)
		if len(v) <= len(p) || !strings.EqualFold(v[:len(p)], p) {
			return ""
		}
		return strings.TrimSpace(v[len(p):])
	case "query":
		return q.query.Get(s.Name)
	case "cookie":
		return cookieValue(q.header, s.Name)
	case "form":
		return formValue(q, s.Name)
	}
	return ""
}

func cookieValue(h http.Header, name string) string {
	for _, line := range h.Values("Cookie") {
		cookies, _ := http.ParseCookie(line)
		for _, c := range cookies {
			if c.Name == name {
				return c.Value
			}
		}
	}
	return ""
}

func formValue(q *webRequest, name string) string {
	mt, _, _ := mime.ParseMediaType(q.header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return ""
	}
	v, _ := url.ParseQuery(string(q.body))
	return v.Get(name)
}

func (a *jwtAuth) describeSources() string {
	out := make([]string, len(a.sources))
	for i, s := range a.sources {
		out[i] = s.Position + " " + s.Name
	}
	return strings.Join(out, ", ")
}
