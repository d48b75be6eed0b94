package acs3

import (
	"fmt"
	"strings"
)

// The Authorization header's grammar (fc3-api.md §5) is
//
//	ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})
//
// commas, no spaces. splitAuthorization matches it by hand: it runs on every
// request, and a regexp cost a measurable share of the warm path.

// Bounds that keep a hostile header cheap to refuse.
const (
	maxAccessKeyID   = 128
	maxSignedHeaders = 64
)

// authorization is a parsed Authorization header.
type authorization struct {
	accessKeyID string
	signed      []string // lower-case header names, in the order signed
	signature   string
}

func (a authorization) String() string {
	return Algorithm + " Credential=" + a.accessKeyID +
		",SignedHeaders=" + strings.Join(a.signed, ";") + ",Signature=" + a.signature
}

func parseAuthorization(header string) (authorization, error) {
	if header == "" {
		return authorization{}, fmt.Errorf("%w: no Authorization header", ErrMissingAuthorization)
	}
	m := splitAuthorization(header)
	if m == nil {
		return authorization{}, fmt.Errorf("%w: Authorization is not %s Credential=…,SignedHeaders=…,Signature=<64 hex>",
			ErrMissingAuthorization, Algorithm)
	}
	if len(m[1]) > maxAccessKeyID {
		return authorization{}, fmt.Errorf("%w: Credential is longer than %d bytes", ErrMissingAuthorization, maxAccessKeyID)
	}
	signed, err := parseSignedHeaders(m[2])
	if err != nil {
		return authorization{}, err
	}
	return authorization{accessKeyID: m[1], signed: signed, signature: m[3]}, nil
}

// splitAuthorization returns the whole header, the credential, the signed
// headers and the signature, or nil if the header does not follow the
// grammar.
func splitAuthorization(header string) []string {
	rest, ok := strings.CutPrefix(header, Algorithm+" Credential=")
	if !ok {
		return nil
	}
	cred, rest, ok := strings.Cut(rest, ",SignedHeaders=")
	if !ok || cred == "" || strings.Contains(cred, ",") {
		return nil
	}
	signed, sig, ok := strings.Cut(rest, ",Signature=")
	if !ok || signed == "" || strings.Contains(signed, ",") || !isLowerHex(sig, 64) {
		return nil
	}
	return []string{header, cred, signed, sig}
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func parseSignedHeaders(list string) ([]string, error) {
	names := strings.Split(list, ";")
	if len(names) > maxSignedHeaders {
		return nil, fmt.Errorf("%w: SignedHeaders lists more than %d headers", ErrMissingAuthorization, maxSignedHeaders)
	}
	for _, name := range names {
		if !isLowerToken(name) {
			return nil, fmt.Errorf("%w: SignedHeaders entry %q is not a lower-case header name", ErrMissingAuthorization, name)
		}
	}
	return names, nil
}

func isLowerToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
