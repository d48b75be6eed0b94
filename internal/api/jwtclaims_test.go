package api

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
)

// RATIONALE: "A claim name the client sent itself is removed before the real
// claim is set, so functions can trust those headers." A query pair that
// Go's url.ParseQuery drops (a ';' or a bad escape in it) is not seen by the
// removal, and passTarget then forwards the raw query unchanged, so the
// custom runtime's own parser (qs, parse_qs, …) reads the spoofed claim.
func TestClaimQueryNotSpoofedByAnUnparsedPair(t *testing.T) {
	f := newWebFixture(t)
	rsaKey, _, _ := testKeys(t)
	f.createFunction("c", "custom.debian12")
	auth := jwksText(t, []fc.JWK{rsaJWK(rsaKey, "RS256", "k1")}, map[string]any{
		"tokenLookup": "header:Authorization:Bearer", "claimPassBy": "query:role:role,header:sub:X-User"})
	f.mustTrigger("c", "web", "", map[string]any{"authType": "jwt", "methods": []string{"GET"}, "authConfig": auth})
	var got sandbox.HTTPRequest
	f.sched.setReply(func(_ *scheduler.Target, inv *sandbox.Invocation) *sandbox.Result {
		got = *inv.HTTP
		return &sandbox.Result{Status: 200, Header: http.Header{}, Stream: io.NopCloser(strings.NewReader("ok"))}
	})
	// A valid token of a user without a role claim (claims are optional).
	tok := signJWT(t, rsaKey, map[string]any{"alg": "RS256", "kid": "k1"},
		map[string]any{"sub": "bob", "exp": time.Now().Add(time.Hour).Unix()})
	res := f.send("GET", "/yun/http/1001/c/LATEST/me?role=admin;", nil, func(r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+tok)
	})
	if res.status != 200 {
		t.Fatalf("status %d %s", res.status, res.body)
	}
	if strings.Contains(got.Target, "role=") {
		t.Errorf("the function got target %q: a client-sent 'role' query parameter survived claim removal", got.Target)
	}
}

// The same for a header claim: X_User is not X-User to Go, but CGI/WSGI/Rack
// servers map both to HTTP_X_USER (nginx drops underscore headers for this
// reason), so a function reading X-User there gets the client's value.
func TestClaimHeaderNotSpoofedByAnotherSpelling(t *testing.T) {
	f := newWebFixture(t)
	rsaKey, _, _ := testKeys(t)
	f.createFunction("c", "custom.debian12")
	auth := jwksText(t, []fc.JWK{rsaJWK(rsaKey, "RS256", "k1")}, map[string]any{
		"tokenLookup": "header:Authorization:Bearer", "claimPassBy": "header:role:X-Role"})
	f.mustTrigger("c", "web", "", map[string]any{"authType": "jwt", "methods": []string{"GET"}, "authConfig": auth})
	var got sandbox.HTTPRequest
	f.sched.setReply(func(_ *scheduler.Target, inv *sandbox.Invocation) *sandbox.Result {
		got = *inv.HTTP
		return &sandbox.Result{Status: 200, Header: http.Header{}, Stream: io.NopCloser(strings.NewReader("ok"))}
	})
	tok := signJWT(t, rsaKey, map[string]any{"alg": "RS256", "kid": "k1"},
		map[string]any{"sub": "bob", "exp": time.Now().Add(time.Hour).Unix()})
	res := f.send("GET", "/yun/http/1001/c/LATEST/me", nil, func(r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header["X_Role"] = []string{"admin"}
	})
	if res.status != 200 {
		t.Fatalf("status %d %s", res.status, res.body)
	}
	for k, v := range got.Header {
		if strings.EqualFold(strings.ReplaceAll(k, "_", "-"), "X-Role") {
			t.Errorf("the function got header %s: %v, an alias of the claim header X-Role", k, v)
		}
	}
}
