package acs3

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Algorithm is the signature algorithm, the first word of Authorization.
const Algorithm = "ACS3-HMAC-SHA256"

// Headers that take part in every signature (lower case, as signed).
const (
	HeaderDate          = "x-acs-date"
	HeaderNonce         = "x-acs-signature-nonce"
	HeaderContentSHA256 = "x-acs-content-sha256"
	HeaderVersion       = "x-acs-version"
	headerHost          = "host"
	headerContentType   = "content-type"
	signedPrefix        = "x-acs-"
)

// APIVersion is the FC API version Sign puts in x-acs-version when unset.
const APIVersion = "2023-03-30"

// DateLayout is the format of x-acs-date: UTC, one-second resolution.
const DateLayout = "2006-01-02T15:04:05Z"

// message is what a signature covers, taken from a request on either side.
type message struct {
	method  string
	rawPath string     // as on the wire: escaped, never decoded
	query   url.Values // decoded
	header  http.Header
	host    string // the host header, which net/http keeps out of Header
}

// canonical returns the canonical request over the headers in signed.
func (m message) canonical(signed []string, payloadHash string) string {
	values := make([]string, len(signed))
	for i, name := range signed {
		values[i], _ = m.headerValue(name)
	}
	return string(m.appendCanonical(nil, signed, values, payloadHash))
}

// appendCanonical appends the canonical request over the headers in signed,
// whose canonical values (headerValue) are values, to dst.
func (m message) appendCanonical(dst []byte, signed, values []string, payloadHash string) []byte {
	dst = append(dst, m.method...)
	dst = append(dst, '\n')
	dst = append(dst, canonicalURI(m.rawPath)...)
	dst = append(dst, '\n')
	dst = append(dst, canonicalQuery(m.query)...)
	dst = append(dst, '\n')
	for i, name := range signed {
		dst = append(dst, name...)
		dst = append(dst, ':')
		dst = append(dst, values[i]...)
		dst = append(dst, '\n')
	}
	dst = append(dst, '\n')
	for i, name := range signed {
		if i > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, name...)
	}
	dst = append(dst, '\n')
	return append(dst, payloadHash...)
}

// canonicalNames are the canonical forms of the names every request
// signs, so that looking them up does not allocate.
var canonicalNames = map[string]string{
	HeaderDate: "X-Acs-Date", HeaderNonce: "X-Acs-Signature-Nonce", HeaderContentSHA256: "X-Acs-Content-Sha256",
	HeaderVersion: "X-Acs-Version", headerContentType: "Content-Type", "x-acs-action": "X-Acs-Action",
}

// values returns the request's values of the lower-case header name.
func (m message) values(name string) []string {
	if c, ok := canonicalNames[name]; ok {
		return m.header[c]
	}
	return m.header.Values(name)
}

// first returns the first value of the lower-case header name, like
// http.Header.Get.
func (m message) first(name string) string {
	if v := m.values(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// nonce is the request's x-acs-signature-nonce.
func (m message) nonce() string { return m.first(HeaderNonce) }

// headerValue returns the canonical value of a header: its values trimmed,
// sorted and joined by ','. ok is false when the request lacks it.
func (m message) headerValue(name string) (value string, ok bool) {
	if name == headerHost {
		return m.host, m.host != ""
	}
	values := m.values(name)
	switch len(values) {
	case 0:
		return "", false
	case 1:
		return strings.TrimSpace(values[0]), true
	}
	trimmed := make([]string, len(values))
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	slices.Sort(trimmed)
	return strings.Join(trimmed, ","), true
}

// pathSubstitutions are the only changes the SDK makes to the wire path.
var pathSubstitutions = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")

func canonicalURI(rawPath string) string {
	switch {
	case rawPath == "":
		return "/"
	case !strings.ContainsAny(rawPath, "+*%"): // nothing to substitute: the common case, without the replacer's copy
		return rawPath
	}
	return pathSubstitutions.Replace(rawPath)
}

// canonicalQuery sorts keys byte-wise and leaves them unencoded; values are
// strictly RFC 3986 encoded. A repeated key (which the SDK never sends) gives
// one pair per value, values sorted, so that no value goes unsigned.
func canonicalQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	var pairs []string
	for _, key := range slices.Sorted(maps.Keys(q)) {
		values := make([]string, len(q[key]))
		for i, v := range q[key] {
			values[i] = escapeRFC3986(v)
		}
		slices.Sort(values)
		for _, v := range values {
			pairs = append(pairs, key+"="+v)
		}
	}
	return strings.Join(pairs, "&")
}

// escapeRFC3986 percent-encodes every byte but A-Z a-z 0-9 - _ . ~, with
// upper-case hex: encodeURIComponent plus !'()*.
func escapeRFC3986(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

func stringToSign(canonicalRequest string) string {
	return Algorithm + "\n" + hashHex([]byte(canonicalRequest))
}

// signature is lower-hex HMAC-SHA256 keyed with the raw secret.
func signature(secret, stringToSign string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// signatureOf appends the lower-hex signature of canonicalRequest, keyed by
// the HMAC-SHA256 state mac, to dst: signature(secret,
// stringToSign(canonicalRequest)) without the intermediate strings, for the
// verifier's warm path.
func signatureOf(dst []byte, mac hash.Hash, canonicalRequest []byte) []byte {
	var sts [len(Algorithm) + 1 + 2*sha256.Size]byte
	sum := sha256.Sum256(canonicalRequest)
	n := copy(sts[:], Algorithm+"\n")
	hex.Encode(sts[n:], sum[:])
	mac.Reset()
	mac.Write(sts[:])
	var out [sha256.Size]byte
	return hex.AppendEncode(dst, mac.Sum(out[:0]))
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
