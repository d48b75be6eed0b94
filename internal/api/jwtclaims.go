package api

import (
	"encoding/json"
	"net/http"
	"strings"
)

// dropClaimParams removes what the client sent under the claim names: a
// header also under the spellings servers read as the same name (case, and
// '_' for '-', as CGI-style servers map both to HTTP_X_NAME); a query
// parameter also where the function's parser might find it (see
// webRequest.queryClaims).
func (a *jwtAuth) dropClaimParams(q *webRequest) {
	for _, m := range a.claims {
		switch m.Position {
		case "header":
			for k := range q.header {
				if strings.EqualFold(strings.ReplaceAll(k, "_", "-"), strings.ReplaceAll(m.Name, "_", "-")) {
					delete(q.header, k)
				}
			}
		case "query":
			q.query.Del(m.Name)
			q.queryClaims = true
		case "cookie":
			setCookie(q.header, m.Name, "", false)
		}
	}
}

// passClaims hands the configured claims to the function.
func (a *jwtAuth) passClaims(q *webRequest, claims map[string]any) {
	for _, m := range a.claims {
		v, ok := claims[m.Claim]
		if !ok {
			continue
		}
		s := claimString(v)
		switch m.Position {
		case "header":
			q.header.Set(m.Name, s)
		case "query":
			q.query.Set(m.Name, s)
		case "cookie":
			setCookie(q.header, m.Name, s, true)
		}
	}
}

// claimString is a claim as text: strings as they are, anything else as JSON.
func claimString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// setCookie rewrites the Cookie header without the named cookie and, with
// add, with it set to value.
func setCookie(h http.Header, name, value string, add bool) {
	var kept []string
	for _, line := range h.Values("Cookie") {
		for _, part := range strings.Split(line, ";") {
			if n, _, _ := strings.Cut(strings.TrimSpace(part), "="); n != name && strings.TrimSpace(part) != "" {
				kept = append(kept, strings.TrimSpace(part))
			}
		}
	}
	if add {
		kept = append(kept, (&http.Cookie{Name: name, Value: value}).String())
	}
	h.Del("Cookie")
	if len(kept) > 0 {
		h.Set("Cookie", strings.Join(kept, "; "))
	}
}
