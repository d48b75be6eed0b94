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

// claimRoute is a custom function behind a JWT-checked GET trigger that
// passes claims as passBy says; it returns the request the function got
// (set on each call) and a valid token of bob, who has no role claim.
func claimRoute(t *testing.T, passBy string) (*webFixture, *sandbox.HTTPRequest, string) {
	f := newWebFixture(t)
	rsaKey, _, _ := testKeys(t)
	f.createFunction("c", "custom.debian12")
	auth := jwksText(t, []fc.JWK{rsaJWK(rsaKey, "RS256", "k1")}, map[string]any{
		"tokenLookup": "header:Authorization:Bearer", "claimPassBy": passBy})
	f.mustTrigger("c", "web", "", map[string]any{"authType": "jwt", "methods": []string{"GET"}, "authConfig": auth})
	got := new(sandbox.HTTPRequest)
	f.sched.setReply(func(_ *scheduler.Target, inv *sandbox.Invocation) *sandbox.Result {
		*got = *inv.HTTP
		return &sandbox.Result{Status: 200, Header: http.Header{}, Stream: io.NopCloser(strings.NewReader("ok"))}
	})
	tok := signJWT(t, rsaKey, map[string]any{"alg": "RS256", "kid": "k1"},
		map[string]any{"sub": "bob", "exp": time.Now().Add(time.Hour).Unix()})
	return f, got, tok
}

// TestClaimQueryNotSpoofedByAnUnparsedPair: a query pair Go's parser skips
// (with ';' or a bad escape) is not seen by claim removal; the function's
// own parser would read it, so the function gets the query re-encoded.
func TestClaimQueryNotSpoofedByAnUnparsedPair(t *testing.T) {
	f, got, tok := claimRoute(t, "query:role:role,header:sub:X-User")
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

// TestClaimHeaderNotSpoofedByAnotherSpelling: X_Role is not X-Role to Go,
// but CGI/WSGI/Rack servers map both to HTTP_X_ROLE (nginx drops underscore
// headers for this reason).
func TestClaimHeaderNotSpoofedByAnotherSpelling(t *testing.T) {
	f, got, tok := claimRoute(t, "header:role:X-Role")
	res := f.send("GET", "/yun/http/1001/c/LATEST/me", nil, func(r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header["X_Role"] = []string{"admin"}
		r.Header["x-ROLE"] = []string{"admin"}
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
