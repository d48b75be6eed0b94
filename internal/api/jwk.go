package api

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
)

// minRSABits is the smallest RSA modulus accepted in a JWKS.
const minRSABits = 2048

// jwtAlg is a signature algorithm of RFC 7518 §3 that Yun verifies. Only
// asymmetric ones: a JWKS is public, so an HMAC key in it would let anyone
// sign tokens.
type jwtAlg struct {
	hash  crypto.Hash
	kty   string         // the key type the algorithm needs
	curve elliptic.Curve // EC algorithms: the one curve they go with
	pss   bool
}

var jwtAlgs = map[string]jwtAlg{
	"RS256": {hash: crypto.SHA256, kty: "RSA"},
	"RS384": {hash: crypto.SHA384, kty: "RSA"},
	"RS512": {hash: crypto.SHA512, kty: "RSA"},
	"PS256": {hash: crypto.SHA256, kty: "RSA", pss: true},
	"PS384": {hash: crypto.SHA384, kty: "RSA", pss: true},
	"PS512": {hash: crypto.SHA512, kty: "RSA", pss: true},
	"ES256": {hash: crypto.SHA256, kty: "EC", curve: elliptic.P256()},
	"ES384": {hash: crypto.SHA384, kty: "EC", curve: elliptic.P384()},
	"ES512": {hash: crypto.SHA512, kty: "EC", curve: elliptic.P521()},
}

// verifyKey is one JWKS key, ready to verify: its algorithm is fixed by the
// JWK, never taken from a token.
type verifyKey struct {
	kid string
	alg string
	pub crypto.PublicKey // *rsa.PublicKey or *ecdsa.PublicKey
}

// parseJWKS turns a JWKS into verification keys; any key it cannot use is
// an error naming it, so that a trigger never silently loses a key.
func parseJWKS(set fc.JWKS) ([]verifyKey, error) {
	keys := make([]verifyKey, 0, len(set.Keys))
	for i, k := range set.Keys {
		vk, err := parseJWK(k)
		if err != nil {
			return nil, fc.InvalidArgument("authConfig.jwks.keys[%d] (kid %q): %v", i, k.Kid, err)
		}
		keys = append(keys, vk)
	}
	return keys, nil
}

func parseJWK(k fc.JWK) (verifyKey, error) {
	alg, ok := jwtAlgs[k.Alg]
	if !ok {
		return verifyKey{}, fmt.Errorf("alg %q is not supported: RS256/384/512, PS256/384/512 or ES256/384/512", k.Alg)
	}
	if k.Kty != alg.kty {
		return verifyKey{}, fmt.Errorf("kty %q does not fit alg %s (want %s)", k.Kty, k.Alg, alg.kty)
	}
	var pub crypto.PublicKey
	var err error
	if alg.kty == "RSA" {
		pub, err = rsaKey(k)
	} else {
		pub, err = ecKey(k, alg.curve)
	}
	return verifyKey{kid: k.Kid, alg: k.Alg, pub: pub}, err
}

func rsaKey(k fc.JWK) (*rsa.PublicKey, error) {
	n, err := b64Int("n", k.N)
	if err != nil {
		return nil, err
	}
	e, err := b64Int("e", k.E)
	if err != nil {
		return nil, err
	}
	if n.BitLen() < minRSABits {
		return nil, fmt.Errorf("RSA modulus has %d bits, at least %d are required", n.BitLen(), minRSABits)
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
		return nil, fmt.Errorf("RSA exponent is invalid")
	}
	return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
}

func ecKey(k fc.JWK, curve elliptic.Curve) (*ecdsa.PublicKey, error) {
	if k.Crv != curve.Params().Name {
		return nil, fmt.Errorf("crv %q does not fit alg %s (want %s)", k.Crv, k.Alg, curve.Params().Name)
	}
	size := (curve.Params().BitSize + 7) / 8
	x, errX := keyBytes(k.X)
	y, errY := keyBytes(k.Y)
	if errX != nil || errY != nil || len(x) != size || len(y) != size {
		return nil, fmt.Errorf("x and y must be %d-byte base64url values", size)
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return nil, fmt.Errorf("EC point: %w", err)
	}
	return pub, nil
}

func b64Int(field, s string) (*big.Int, error) {
	b, err := keyBytes(s)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%s is not a base64url integer", field)
	}
	return new(big.Int).SetBytes(b), nil
}

// keyBytes decodes base64url key material; padding, which RFC 7518 leaves
// out but some tools add, is tolerated.
func keyBytes(s string) ([]byte, error) {
	return base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(s, "="))
}
