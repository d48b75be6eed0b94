package api

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"sync"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

// Test keys are generated once per test binary: RSA generation is slow.
var (
	testKeysOnce sync.Once
	testRSAKey   *rsa.PrivateKey
	testRSAKey2  *rsa.PrivateKey
	testECKey    *ecdsa.PrivateKey
)

func testKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey, *ecdsa.PrivateKey) {
	t.Helper()
	testKeysOnce.Do(func() {
		testRSAKey, _ = rsa.GenerateKey(rand.Reader, 2048)
		testRSAKey2, _ = rsa.GenerateKey(rand.Reader, 2048)
		testECKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	})
	return testRSAKey, testRSAKey2, testECKey
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rsaJWK is the public JWK of k.
func rsaJWK(k *rsa.PrivateKey, alg, kid string) fc.JWK {
	return fc.JWK{Kty: "RSA", Alg: alg, Kid: kid, Use: "sig", N: b64(k.N.Bytes()), E: b64(big.NewInt(int64(k.E)).Bytes())}
}

func ecJWK(k *ecdsa.PrivateKey, kid string) fc.JWK {
	b, _ := k.PublicKey.Bytes() // 0x04 || x || y
	return fc.JWK{Kty: "EC", Alg: "ES256", Kid: kid, Crv: "P-256", X: b64(b[1:33]), Y: b64(b[33:])}
}

// signJWT makes a compact JWS of claims with the header's alg and kid.
func signJWT(t testing.TB, key crypto.Signer, header map[string]any, claims any) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := b64(h) + "." + b64(c)
	alg, _ := header["alg"].(string)
	return input + "." + b64(jwsSignature(t, key, alg, input))
}

func jwsSignature(t testing.TB, key crypto.Signer, alg, input string) []byte {
	t.Helper()
	a, ok := jwtAlgs[alg]
	if !ok {
		return []byte("not-a-signature")
	}
	hh := a.hash.New()
	hh.Write([]byte(input))
	digest := hh.Sum(nil)
	var opts crypto.SignerOpts = a.hash
	if a.pss {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: a.hash}
	}
	if ec, ok := key.(*ecdsa.PrivateKey); ok {
		r, s, err := ecdsa.Sign(rand.Reader, ec, digest)
		if err != nil {
			t.Fatal(err)
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig
	}
	sig, err := key.Sign(rand.Reader, digest, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// jwksText is a JWT authConfig with the keys and optional extra fields.
func jwksText(t testing.TB, keys []fc.JWK, extra map[string]any) string {
	t.Helper()
	m := map[string]any{"jwks": map[string]any{"keys": keys}}
	for k, v := range extra {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
