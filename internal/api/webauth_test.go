package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/acs3"
	"github.com/yun-fc/yun/internal/fc"
)

func TestHTTPTriggerFunctionAuth(t *testing.T) {
	f := newWebFixture(t)
	f.createFunction("secure", "nodejs20")
	f.mustTrigger("secure", "web", "", map[string]any{"authType": "function", "methods": []string{"POST"}})
	target := "/yun/http/1001/secure/LATEST/pay"
	body := []byte(`{"amount":3}`)
	sign := func(ak, secret string) func(*http.Request) {
		return func(r *http.Request) { acs3.Sign(r, body, ak, secret, time.Now()) }
	}
	cases := []struct {
		name    string
		prepare func(*http.Request)
		status  int
		code    string
	}{
		{"signed by the function's account", sign("AKWEB1", "secret-1"), 200, ""},
		{"unsigned", nil, 403, "AccessDenied"},
		{"wrong secret", sign("AKWEB1", "nope"), 403, "SignatureNotMatch"},
		{"another account's key", sign("AKWEB2", "secret-2"), 403, "AccessDenied"},
		{"unknown key", sign("AKNONE", "x"), 403, "InvalidAccessKeyID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.send("POST", target, body, tc.prepare)
			if tc.status == 200 {
				if ev := res.event(t); res.status != 200 || ev.Body != string(body) || ev.RawPath != "/pay" {
					t.Errorf("got %d %+v, want the event of the signed request", res.status, ev)
				}
				return
			}
			if e := res.fcError(t); res.status != tc.status || e.Code != tc.code {
				t.Errorf("got %d %+v, want %d %s", res.status, e, tc.status, tc.code)
			}
		})
	}
}

func TestHTTPTriggerJWT(t *testing.T) {
	f := newWebFixture(t)
	rsaKey, otherKey, _ := testKeys(t)
	f.createFunction("jwtfn", "nodejs20")
	auth := jwksText(t, []fc.JWK{rsaJWK(rsaKey, "RS256", "k1")}, map[string]any{
		"tokenLookup": "header:Authorization:Bearer", "claimPassBy": "header:sub:X-User,query:role:role"})
	f.mustTrigger("jwtfn", "web", "", map[string]any{"authType": "jwt", "methods": []string{"GET"}, "authConfig": auth})
	now := time.Now()
	claims := map[string]any{"sub": "alice", "role": "admin", "exp": now.Add(time.Hour).Unix()}
	header := map[string]any{"alg": "RS256", "kid": "k1"}
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+tok)
			r.Header.Set("X-User", "mallory") // spoofed: must be replaced
		}
	}
	target := "/yun/http/1001/jwtfn/LATEST/me?role=guest"

	res := f.send("GET", target, nil, bearer(signJWT(t, rsaKey, header, claims)))
	if ev := res.event(t); res.status != 200 || ev.Headers["X-User"] != "alice" || ev.QueryParameters["role"] != "admin" {
		t.Errorf("valid token: got %d headers %v query %v, want X-User alice and role admin", res.status, ev.Headers, ev.QueryParameters)
	}
	cases := []struct {
		name    string
		prepare func(*http.Request)
		msg     string
	}{
		{"expired", bearer(signJWT(t, rsaKey, header, map[string]any{"sub": "alice", "exp": now.Add(-time.Hour).Unix()})), "expired"},
		{"bad signature", bearer(signJWT(t, otherKey, header, claims)), "signature"},
		{"no token", nil, "no token"},
		{"garbage", bearer("not.a.jwt"), "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.send("GET", target, nil, tc.prepare)
			e := res.fcError(t)
			if res.status != 401 || e.Code != "Unauthorized" || res.header.Get("WWW-Authenticate") == "" || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("got %d %+v (WWW-Authenticate %q), want 401 Unauthorized mentioning %q", res.status, e, res.header.Get("WWW-Authenticate"), tc.msg)
			}
		})
	}
}
