package api

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"
)

// A small JSON Web Token verifier (RFC 7519, JWS compact form, RFC 7515)
// for HTTP triggers. It is deliberately narrow:
//   - the algorithm comes from the JWK; the token's "alg" must equal it, so
//     "none" and HMAC-with-a-public-key confusion cannot happen;
//   - a token with a "kid" is checked only against the key with that kid;
//     without one, against every key of its algorithm;
//   - base64url parts are strict (no padding, canonical bits), so one token
//     has one encoding;
//   - "crit" extensions are refused (RFC 7515 §4.1.11: none is understood);
//   - exp and nbf are checked with jwtLeeway; other claims are the
//     function's business.

// jwtLeeway absorbs clock differences between the token's issuer and Yun.
const jwtLeeway = 30 * time.Second

// Token verification failures, wrapped with details.
var (
	errTokenMalformed = errors.New("token is malformed")
	errTokenKey       = errors.New("no key of the trigger verifies this token")
	errTokenSignature = errors.New("token signature is invalid")
	errTokenExpired   = errors.New("token has expired")
	errTokenEarly     = errors.New("token is not valid yet")
)

var b64url = base64.RawURLEncoding.Strict()

// jwtHeader is the JOSE header fields the verifier reads.
type jwtHeader struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid"`
	Crit json.RawMessage `json:"crit"`
}

// verifyJWT checks token against keys at now and returns its claims.
func verifyJWT(token string, keys []verifyKey, now time.Time) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: want 3 dot-separated parts, got %d", errTokenMalformed, len(parts))
	}
	var h jwtHeader
	if err := decodePart(parts[0], &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", errTokenMalformed, err)
	}
	if h.Alg == "" {
		return nil, fmt.Errorf("%w: header has no alg", errTokenMalformed)
	}
	if len(h.Crit) > 0 {
		return nil, fmt.Errorf("%w: critical header extensions are not supported", errTokenMalformed)
	}
	sig, err := b64url.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature is not base64url", errTokenMalformed)
	}
	if err := verifySignature(h, parts[0]+"."+parts[1], sig, keys); err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := decodePart(parts[1], &claims); err != nil || claims == nil {
		return nil, fmt.Errorf("%w: payload is not a JSON object", errTokenMalformed)
	}
	return claims, checkTimes(claims, now)
}

// verifySignature succeeds if one of the keys chosen by the header verifies
// the signature.
func verifySignature(h jwtHeader, signingInput string, sig []byte, keys []verifyKey) error {
	tried := false
	for _, k := range keys {
		if (h.Kid != "" && k.kid != h.Kid) || k.alg != h.Alg {
			continue
		}
		tried = true
		if verifyWith(k, signingInput, sig) {
			return nil
		}
	}
	if !tried {
		return fmt.Errorf("%w (alg %q, kid %q)", errTokenKey, h.Alg, h.Kid)
	}
	return errTokenSignature
}

func verifyWith(k verifyKey, signingInput string, sig []byte) bool {
	alg := jwtAlgs[k.alg]
	hh := alg.hash.New()
	hh.Write([]byte(signingInput))
	digest := hh.Sum(nil)
	switch pub := k.pub.(type) {
	case *rsa.PublicKey:
		if alg.pss {
			return rsa.VerifyPSS(pub, alg.hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
		return rsa.VerifyPKCS1v15(pub, alg.hash, digest, sig) == nil
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size { // JWS uses r||s, not ASN.1 (RFC 7518 §3.4)
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(pub, digest, r, s)
	}
	return false
}

// decodePart decodes one base64url JSON part into v, refusing trailing data.
func decodePart(part string, v any) error {
	b, err := b64url.DecodeString(part)
	if err != nil {
		return errors.New("not base64url")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return errors.New("not a JSON object")
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// checkTimes applies exp and nbf (NumericDate: seconds, maybe fractional).
func checkTimes(claims map[string]any, now time.Time) error {
	exp, hasExp, err := numericDate(claims, "exp")
	if err != nil {
		return err
	}
	if hasExp && now.After(exp.Add(jwtLeeway)) {
		return fmt.Errorf("%w at %s", errTokenExpired, exp.UTC().Format(time.RFC3339))
	}
	nbf, hasNbf, err := numericDate(claims, "nbf")
	if err != nil {
		return err
	}
	if hasNbf && now.Add(jwtLeeway).Before(nbf) {
		return fmt.Errorf("%w: not before %s", errTokenEarly, nbf.UTC().Format(time.RFC3339))
	}
	return nil
}

func numericDate(claims map[string]any, name string) (time.Time, bool, error) {
	v, ok := claims[name]
	if !ok {
		return time.Time{}, false, nil
	}
	n, isNum := v.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return time.Time{}, false, fmt.Errorf("%w: claim %s is not a NumericDate", errTokenMalformed, name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}
