package acs3

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults of a Verifier's zero fields.
const (
	DefaultMaxSkew   = 15 * time.Minute
	DefaultMaxNonces = 1 << 20 // about 35 MB when full
)

// A Verifier checks ACS3-HMAC-SHA256 signatures on incoming requests and
// refuses replays. Set its fields before the first Verify and do not change or
// copy it afterwards; Verify is safe for concurrent use.
type Verifier struct {
	// Lookup returns the secret of an access key. It reports an unknown key
	// with an error wrapping ErrUnknownAccessKey; any other error is passed on
	// as an internal failure. Required.
	Lookup func(ctx context.Context, accessKeyID string) (secret string, err error)
	// MaxSkew is how far x-acs-date may be from Now, either way.
	// Zero means DefaultMaxSkew.
	MaxSkew time.Duration
	// MaxNonces bounds the nonces remembered for replay detection. When it is
	// reached, the oldest minutes of the skew window are forgotten and
	// requests dated in them refused. Zero means DefaultMaxNonces.
	MaxNonces int
	// Now is the clock. Nil means time.Now.
	Now func() time.Time

	once   sync.Once
	nonces *nonceCache
	macs   macCache
}

// Validate reports a Verifier that cannot work.
func (v *Verifier) Validate() error {
	switch {
	case v.Lookup == nil:
		return errors.New("acs3: Verifier.Lookup is nil")
	case v.MaxSkew < 0:
		return fmt.Errorf("acs3: Verifier.MaxSkew %s is negative", v.MaxSkew)
	case v.MaxNonces < 0:
		return fmt.Errorf("acs3: Verifier.MaxNonces %d is negative", v.MaxNonces)
	}
	return nil
}

// Verify checks that r, whose body the caller has read in full into body, is
// signed with the secret of the access key it names, and returns that key's
// ID. On failure the error wraps one of the sentinels in errors.go, or is a
// Lookup error that is none of them.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (accessKeyID string, err error) {
	if err := v.Validate(); err != nil {
		return "", err
	}
	auth, err := parseAuthorization(first(r.Header["Authorization"]))
	if err != nil {
		return "", err
	}
	msg, err := messageFromWire(r)
	if err != nil {
		return "", err
	}
	var valuesBuf [16]string
	values, err := checkSignedHeaders(valuesBuf[:0], msg, auth.signed)
	if err != nil {
		return "", err
	}
	now := v.now()
	date, err := checkDate(msg.first(HeaderDate), now, v.maxSkew())
	if err != nil {
		return "", err
	}
	var payloadHash [2 * sha256.Size]byte
	sum := sha256.Sum256(body)
	hex.Encode(payloadHash[:], sum[:])
	if got := msg.first(HeaderContentSHA256); got != string(payloadHash[:]) {
		return "", fmt.Errorf("%w: header says %q, the %d-byte body hashes to %q", ErrBodyHash, got, len(body), payloadHash)
	}
	var canonicalBuf [1024]byte
	canonical := msg.appendCanonical(canonicalBuf[:0], auth.signed, values, string(payloadHash[:]))
	if err := v.checkSignature(ctx, auth, canonical); err != nil {
		return "", err
	}
	if err := v.cache().add(auth.accessKeyID, msg.nonce(), date, now); err != nil {
		return "", fmt.Errorf("access key %q: %w", auth.accessKeyID, err)
	}
	return auth.accessKeyID, nil
}

// Forget drops what Verify keeps of access key id (its keyed HMAC states):
// call it when the key is disabled or deleted, so that no state derived from
// its secret stays in memory.
func (v *Verifier) Forget(id string) { v.macs.forget(id) }

// checkSignature compares the request's signature with the one its access
// key's secret makes of canonicalRequest.
func (v *Verifier) checkSignature(ctx context.Context, auth authorization, canonicalRequest []byte) error {
	secret, err := v.Lookup(ctx, auth.accessKeyID)
	if errors.Is(err, ErrUnknownAccessKey) {
		return fmt.Errorf("access key %q: %w", auth.accessKeyID, err)
	}
	if err != nil {
		return fmt.Errorf("look up access key %q: %w", auth.accessKeyID, err)
	}
	mac := v.macs.get(auth.accessKeyID, secret)
	var want [2 * sha256.Size]byte
	signatureOf(want[:0], mac, canonicalRequest)
	v.macs.put(auth.accessKeyID, secret, mac)
	if !hmac.Equal(want[:], []byte(auth.signature)) {
		return fmt.Errorf("access key %q: %w (signed headers %s)",
			auth.accessKeyID, ErrSignatureMismatch, strings.Join(auth.signed, ";"))
	}
	return nil
}

// first is the first of a header's values, or "".
func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// messageFromWire reads what r carried on the wire: the path exactly as
// sent, the query decoded.
func messageFromWire(r *http.Request) (message, error) {
	var query url.Values // none without a query: ParseQuery("") would allocate an empty map
	if r.URL.RawQuery != "" {
		var err error
		if query, err = url.ParseQuery(r.URL.RawQuery); err != nil {
			return message{}, fmt.Errorf("%w: query cannot be decoded: %v", ErrSignatureMismatch, err)
		}
	}
	return message{method: r.Method, rawPath: wirePath(r), query: query, header: r.Header, host: r.Host}, nil
}

// wirePath is the request target's path as received. url.URL.EscapedPath is
// only a fallback: it re-encodes paths that Go considers oddly escaped.
func wirePath(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		path, _, _ := strings.Cut(r.RequestURI, "?")
		return path
	}
	return r.URL.EscapedPath()
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

func (v *Verifier) cache() *nonceCache {
	v.once.Do(func() {
		limit := v.MaxNonces
		if limit == 0 {
			limit = DefaultMaxNonces
		}
		v.nonces = newNonceCache(limit, v.maxSkew())
	})
	return v.nonces
}
