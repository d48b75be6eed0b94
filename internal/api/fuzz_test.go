package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// FuzzVerifyJWT: no input panics, and the only tokens accepted are the ones
// the key really signed — a fuzzer cannot forge an RS256 or ES256 signature,
// and strict base64url gives every token one encoding.
func FuzzVerifyJWT(f *testing.F) {
	rsaKey, _, ecKey := testKeys(f)
	now := time.Unix(1_700_000_000, 0)
	keys, err := parseJWKS(fc.JWKS{Keys: []fc.JWK{rsaJWK(rsaKey, "RS256", "r1"), ecJWK(ecKey, "e1")}})
	if err != nil {
		f.Fatal(err)
	}
	claims := map[string]any{"sub": "alice", "exp": now.Add(time.Hour).Unix()}
	signed := map[string]bool{
		signJWT(f, rsaKey, map[string]any{"alg": "RS256", "kid": "r1"}, claims): true,
		signJWT(f, rsaKey, map[string]any{"alg": "RS256"}, claims):              true,
	}
	for tok := range signed {
		f.Add(tok)
	}
	es := signJWT(f, ecKey, map[string]any{"alg": "ES256", "kid": "e1"}, claims)
	f.Add(es)
	f.Add(signJWT(f, rsaKey, map[string]any{"alg": "none"}, claims))
	f.Add("e30.e30.")
	f.Fuzz(func(t *testing.T, token string) {
		got, err := verifyJWT(token, keys, now)
		if err != nil {
			return
		}
		if got == nil {
			t.Fatalf("token %q accepted with nil claims", token)
		}
		// ECDSA signatures are randomised, and (r, n-s) verifies too; only
		// the RS256 tokens are checked for exactness.
		if strings.Contains(decodeHeader(token), "RS256") && !signed[token] {
			t.Fatalf("token %q accepted but never signed", token)
		}
	})
}

func decodeHeader(token string) string {
	h, _, _ := strings.Cut(token, ".")
	b, _ := base64.RawURLEncoding.DecodeString(h)
	return string(b)
}

// FuzzHTTPEvent: any request becomes valid event JSON whose body decodes back
// to the exact bytes sent and whose rawPath is the path as sent.
func FuzzHTTPEvent(f *testing.F) {
	f.Add("GET", "/a%20b/c", "x=1&x=2", "text/plain", []byte("hello"))
	f.Add("POST", "/bin", "", "application/octet-stream", []byte{0, 1, 2, 0xff})
	f.Add("PUT", "/%zz", "%zz=1", "application/json; charset=utf-8", []byte(`{"a":"<b>"}`))
	f.Add("POST", "/", "", "", []byte("caf\xc3"))
	f.Fuzz(func(t *testing.T, method, rawPath, rawQuery, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Method, r.URL.RawQuery = method, rawQuery
		r.Header.Set("Content-Type", contentType)
		q := newWebRequest(r, rawPath, body, time.Unix(1_700_000_000, 0))
		var ev httpEvent
		if err := json.Unmarshal(newHTTPEvent(q, "1234", "req-1", ""), &ev); err != nil {
			t.Fatalf("event is not JSON: %v", err)
		}
		got := []byte(ev.Body)
		if ev.IsBase64Encoded {
			var err error
			if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
				t.Fatalf("base64 body does not decode: %v", err)
			}
		}
		if !bytes.Equal(got, body) {
			t.Fatalf("body round trip: got %q, want %q", got, body)
		}
		if want := string([]rune(rawPath)); ev.RawPath != want {
			t.Fatalf("rawPath: got %q, want %q", ev.RawPath, want)
		}
		if p, err := url.PathUnescape(rawPath); err == nil && ev.RequestContext.HTTP.Path != string([]rune(p)) {
			t.Fatalf("path: got %q, want %q", ev.RequestContext.HTTP.Path, p)
		}
	})
}

// FuzzFunctionResponse: any return value becomes an answer with a valid
// status, or a clear 502; never a panic.
func FuzzFunctionResponse(f *testing.F) {
	f.Add([]byte(`{"statusCode":201,"headers":{"X-A":"b","X-Fc-Secret":"no","Set-Cookie":["a=1","b=2"]},"body":"aGk=","isBase64Encoded":true}`))
	f.Add([]byte(`{"statusCode":"204"}`))
	f.Add([]byte(`{"statusCode":99}`))
	f.Add([]byte(`"just a string"`))
	f.Add([]byte(`{"no":"status"}`))
	f.Add([]byte{0xff, 0x00})
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := parseFunctionResponse(body)
		if err != nil {
			if e, ok := fc.AsError(err); !ok || e.Status != http.StatusBadGateway {
				t.Fatalf("got error %v, want a 502 FC error", err)
			}
			return
		}
		if resp.status < 200 || resp.status > 599 {
			t.Fatalf("got status %d", resp.status)
		}
		for k := range resp.header {
			if isFCHeader(k) || k == "Content-Length" || k == "Connection" {
				t.Fatalf("header %q passed through", k)
			}
		}
	})
}
