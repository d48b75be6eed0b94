package api

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

func TestVerifyJWT(t *testing.T) {
	rsaKey, otherKey, ecKey := testKeys(t)
	now := time.Unix(1_700_000_000, 0)
	keys, err := parseJWKS(fc.JWKS{Keys: []fc.JWK{rsaJWK(rsaKey, "RS256", "r1"), rsaJWK(rsaKey, "PS256", "p1"), ecJWK(ecKey, "e1")}})
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"sub": "alice", "exp": now.Add(time.Hour).Unix()}
	rs := map[string]any{"alg": "RS256", "kid": "r1", "typ": "JWT"}
	valid := signJWT(t, rsaKey, rs, claims)
	cases := []struct {
		name  string
		token string
		want  error // nil: accepted
	}{
		{"RS256 with kid", valid, nil},
		{"PS256", signJWT(t, rsaKey, map[string]any{"alg": "PS256", "kid": "p1"}, claims), nil},
		{"ES256", signJWT(t, ecKey, map[string]any{"alg": "ES256", "kid": "e1"}, claims), nil},
		{"no kid tries keys of the alg", signJWT(t, rsaKey, map[string]any{"alg": "RS256"}, claims), nil},
		{"fractional exp", signJWT(t, rsaKey, rs, map[string]any{"exp": float64(now.Unix()) + 0.5}), nil},
		{"expired within leeway", signJWT(t, rsaKey, rs, map[string]any{"exp": now.Add(-10 * time.Second).Unix()}), nil},
		{"expired", signJWT(t, rsaKey, rs, map[string]any{"exp": now.Add(-time.Hour).Unix()}), errTokenExpired},
		{"not yet valid", signJWT(t, rsaKey, rs, map[string]any{"nbf": now.Add(time.Hour).Unix()}), errTokenEarly},
		{"exp not a number", signJWT(t, rsaKey, rs, map[string]any{"exp": "tomorrow"}), errTokenMalformed},
		{"signed by another key", signJWT(t, otherKey, rs, claims), errTokenSignature},
		{"claims changed after signing", swapPart(valid, 1, signJWT(t, rsaKey, rs, map[string]any{"sub": "mallory"})), errTokenSignature},
		{"unknown kid", signJWT(t, rsaKey, map[string]any{"alg": "RS256", "kid": "nope"}, claims), errTokenKey},
		{"alg none", unsigned(t, map[string]any{"alg": "none"}, claims), errTokenKey},
		{"HS256 with the public key as secret", signJWT(t, rsaKey, map[string]any{"alg": "HS256", "kid": "r1"}, claims), errTokenKey},
		{"alg differs from the kid's key", signJWT(t, rsaKey, map[string]any{"alg": "RS384", "kid": "r1"}, claims), errTokenKey},
		{"ES256 token against the RSA kid", signJWT(t, ecKey, map[string]any{"alg": "ES256", "kid": "r1"}, claims), errTokenKey},
		{"crit header", signJWT(t, rsaKey, map[string]any{"alg": "RS256", "kid": "r1", "crit": []string{"exp"}}, claims), errTokenMalformed},
		{"no alg", unsigned(t, map[string]any{"kid": "r1"}, claims), errTokenMalformed},
		{"two parts", "a.b", errTokenMalformed},
		{"padded signature", valid + "==", errTokenMalformed},
		{"payload not an object", signJWT(t, rsaKey, rs, []int{1}), errTokenMalformed},
		{"empty", "", errTokenMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := verifyJWT(tc.token, keys, now)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got error %v, want the token accepted", err)
				}
				if _, ok := got["exp"]; !ok {
					t.Errorf("got claims %v, want the token's claims with exp", got)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("got error %v, want %v", err, tc.want)
			}
		})
	}
}

// swapPart replaces part i of token with part i of other.
func swapPart(token string, i int, other string) string {
	a, b := strings.Split(token, "."), strings.Split(other, ".")
	a[i] = b[i]
	return strings.Join(a, ".")
}

func unsigned(t *testing.T, header, claims map[string]any) string {
	tok := signJWT(t, nil, header, claims)
	return tok[:strings.LastIndex(tok, ".")+1]
}

func TestParseJWKSRefusesUnusableKeys(t *testing.T) {
	rsaKey, _, ecKey := testKeys(t)
	small := rsaJWK(rsaKey, "RS256", "s")
	small.N = b64(make([]byte, 128)) // 1024 bits at most
	cases := []struct {
		name string
		key  fc.JWK
		want string
	}{
		{"symmetric key", fc.JWK{Kty: "oct", Alg: "HS256"}, "not supported"},
		{"alg none", fc.JWK{Kty: "RSA", Alg: "none"}, "not supported"},
		{"kty does not fit alg", fc.JWK{Kty: "EC", Alg: "RS256"}, "does not fit"},
		{"short RSA modulus", small, "at least 2048"},
		{"even exponent", fc.JWK{Kty: "RSA", Alg: "RS256", N: rsaJWK(rsaKey, "RS256", "").N, E: b64([]byte{4})}, "exponent"},
		{"curve does not fit alg", func() fc.JWK { k := ecJWK(ecKey, ""); k.Crv = "P-384"; return k }(), "does not fit"},
		{"point not on the curve", func() fc.JWK { k := ecJWK(ecKey, ""); k.Y = k.X; return k }(), "EC point"},
		{"x not base64url", func() fc.JWK { k := ecJWK(ecKey, ""); k.X = "!!"; return k }(), "base64url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseJWKS(fc.JWKS{Keys: []fc.JWK{tc.key}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
