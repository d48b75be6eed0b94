package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
)

// corsPolicy applies an HTTP trigger's or custom domain's corsConfig: it
// answers preflight requests itself, without invoking the function, and adds
// the CORS headers to real responses for allowed origins.
//
// Defaults: no allowOrigins means any origin; no allowMethods means the
// route's methods; no allowHeaders (or "*") echoes what the browser asks for.
// With allowCredentials the origin is echoed, never "*" (the Fetch standard
// forbids the pair).
type corsPolicy struct {
	origins     []string // lower-cased; "*" or "https://*.example.com" patterns allowed
	methods     []string
	headers     []string
	expose      string
	credentials bool
	maxAge      int
}

func newCORSPolicy(c *fc.CORSConfig, routeMethods []string) *corsPolicy {
	if c == nil {
		return nil
	}
	p := &corsPolicy{credentials: c.AllowCredentials, maxAge: c.MaxAge, headers: c.AllowHeaders,
		expose: strings.Join(c.ExposeHeaders, ", ")}
	for _, o := range c.AllowOrigins {
		p.origins = append(p.origins, strings.ToLower(strings.TrimSpace(o)))
	}
	if len(p.origins) == 0 {
		p.origins = []string{"*"}
	}
	switch {
	case len(c.AllowMethods) > 0 && !slices.Contains(c.AllowMethods, "*"):
		for _, m := range c.AllowMethods {
			p.methods = append(p.methods, strings.ToUpper(m))
		}
	case len(routeMethods) > 0:
		p.methods = routeMethods
	default:
		p.methods = fc.HTTPMethods
	}
	return p
}

// isPreflight says whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}

// allowOrigin returns the Access-Control-Allow-Origin value for origin, or
// false if the origin is not allowed.
func (p *corsPolicy) allowOrigin(origin string) (string, bool) {
	lo := strings.ToLower(origin)
	for _, pat := range p.origins {
		if pat == "*" {
			if p.credentials {
				return origin, true
			}
			return "*", true
		}
		if matchOrigin(pat, lo) {
			return origin, true
		}
	}
	return "", false
}

// matchOrigin matches an exact origin or one '*' wildcard
// ("https://*.example.com").
func matchOrigin(pattern, origin string) bool {
	before, after, wild := strings.Cut(pattern, "*")
	if !wild {
		return pattern == origin
	}
	return len(origin) > len(before)+len(after) && strings.HasPrefix(origin, before) && strings.HasSuffix(origin, after)
}

// preflight answers a preflight request: 204 with the allowances, or 403
// when the origin or the requested method is not allowed.
func (p *corsPolicy) preflight(w http.ResponseWriter, r *http.Request) error {
	origin, method := r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method")
	allow, ok := p.allowOrigin(origin)
	if !ok {
		return fc.Errorf(http.StatusForbidden, fc.CodeAccessDenied, "CORS: origin '%s' is not allowed", origin)
	}
	if !slices.Contains(p.methods, strings.ToUpper(method)) {
		return fc.Errorf(http.StatusForbidden, fc.CodeAccessDenied, "CORS: method '%s' is not allowed; allowed: %s", method, strings.Join(p.methods, ", "))
	}
	h := w.Header()
	p.setOrigin(h, allow)
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", strings.Join(p.methods, ", "))
	if hs := p.allowHeaders(r.Header.Get("Access-Control-Request-Headers")); hs != "" {
		h.Set("Access-Control-Allow-Headers", hs)
	}
	if p.maxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(p.maxAge))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (p *corsPolicy) allowHeaders(requested string) string {
	if len(p.headers) == 0 || slices.Contains(p.headers, "*") {
		return requested
	}
	return strings.Join(p.headers, ", ")
}

// decorate adds the CORS headers of a real response for the request's
// origin, if it is allowed.
func (p *corsPolicy) decorate(h http.Header, origin string) {
	if origin == "" {
		return
	}
	allow, ok := p.allowOrigin(origin)
	if !ok {
		return
	}
	p.setOrigin(h, allow)
	if p.expose != "" {
		h.Set("Access-Control-Expose-Headers", p.expose)
	}
}

func (p *corsPolicy) setOrigin(h http.Header, allow string) {
	h.Set("Access-Control-Allow-Origin", allow)
	if allow != "*" {
		h.Add("Vary", "Origin")
	}
	if p.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}
