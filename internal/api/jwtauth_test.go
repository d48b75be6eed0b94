package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

func TestJWTAuth(t *testing.T) {
	rsaKey, _, _ := testKeys(t)
	now := time.Unix(1_700_000_000, 0)
	token := signJWT(t, rsaKey, map[string]any{"alg": "RS256", "kid": "k"},
		map[string]any{"sub": "alice", "uid": 42, "exp": now.Add(time.Hour).Unix()})
	expired := signJWT(t, rsaKey, map[string]any{"alg": "RS256", "kid": "k"},
		map[string]any{"sub": "alice", "exp": now.Add(-time.Hour).Unix()})
	keys := []fc.JWK{rsaJWK(rsaKey, "RS256", "k")}
	cases := []struct {
		name      string
		config    map[string]any
		path      string
		header    http.Header
		query     string
		body      string
		wantErr   string // "" accepted
		wantHdr   map[string]string
		wantQuery map[string]string
	}{
		{name: "default lookup is Authorization Bearer", path: "/",
			header: http.Header{"Authorization": {"Bearer " + token}}},
		{name: "missing token", path: "/", wantErr: "no token found in header Authorization"},
		{name: "expired token", path: "/", header: http.Header{"Authorization": {"Bearer " + expired}}, wantErr: "expired"},
		{name: "wrong prefix", path: "/", header: http.Header{"Authorization": {"Basic " + token}}, wantErr: "no token"},
		{name: "query then cookie lookup", path: "/", query: "jwt=" + token,
			config: map[string]any{"tokenLookup": "cookie:t,query:jwt"}},
		{name: "cookie lookup", path: "/", header: http.Header{"Cookie": {"a=1; t=" + token}},
			config: map[string]any{"tokenLookup": []map[string]string{{"readPosition": "cookie", "parameterName": "t"}}}},
		{name: "form lookup", path: "/", body: "x=1&tok=" + token,
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			config: map[string]any{"tokenLookup": "form:tok"}},
		{name: "claims passed; spoofed values replaced or removed", path: "/",
			header:  http.Header{"Authorization": {"Bearer " + token}, "X-User": {"mallory"}, "X-Missing": {"spoof"}},
			query:   "uid=1",
			config:  map[string]any{"claimPassBy": "header:sub:X-User,query:uid:uid,header:nope:X-Missing"},
			wantHdr: map[string]string{"X-User": "alice", "X-Missing": ""}, wantQuery: map[string]string{"uid": "42"}},
		{name: "whitelisted path needs no token", path: "/public/info",
			config: map[string]any{"whitelist": []string{"/public/*"}}},
		{name: "path outside the whitelist does", path: "/private",
			config: map[string]any{"whitelist": []string{"/public/*"}}, wantErr: "no token"},
		{name: "path outside the blacklist needs no token", path: "/open",
			config: map[string]any{"blacklist": []string{"/admin"}}},
		{name: "blacklisted path does", path: "/admin",
			config: map[string]any{"blacklist": []string{"/admin"}}, wantErr: "no token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := newJWTAuth(jwksText(t, keys, tc.config), func() time.Time { return now })
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodPost, tc.path+"?"+tc.query, strings.NewReader(tc.body))
			for k, v := range tc.header {
				r.Header[k] = v
			}
			q := newWebRequest(r, tc.path, []byte(tc.body), now)
			err = a.check(context.Background(), r, q)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want the request accepted", err)
			case tc.wantErr != "":
				if e, ok := fc.AsError(err); !ok || e.Status != http.StatusUnauthorized || !strings.Contains(e.Message, tc.wantErr) {
					t.Fatalf("got error %v, want 401 mentioning %q", err, tc.wantErr)
				}
				return
			}
			for k, v := range tc.wantHdr {
				if got := q.header.Get(k); got != v {
					t.Errorf("header %s: got %q, want %q", k, got, v)
				}
			}
			for k, v := range tc.wantQuery {
				if got := q.query.Get(k); got != v {
					t.Errorf("query %s: got %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestSetCookie(t *testing.T) {
	h := http.Header{"Cookie": {"a=1; uid=spoof", "b=2"}}
	setCookie(h, "uid", "alice", true)
	if got, want := h.Get("Cookie"), "a=1; b=2; uid=alice"; got != want {
		t.Errorf("got Cookie %q, want %q", got, want)
	}
	setCookie(h, "uid", "", false)
	if got, want := h.Get("Cookie"), "a=1; b=2"; got != want {
		t.Errorf("after removal got Cookie %q, want %q", got, want)
	}
}
