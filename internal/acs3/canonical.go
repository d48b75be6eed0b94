package acs3

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
	var b strings.Builder
	b.WriteString(m.method + "\n")
	b.WriteString(canonicalURI(m.rawPath) + "\n")
	b.WriteString(canonicalQuery(m.query) + "\n")
	for _, name := range signed {
		value, _ := m.headerValue(name)
		b.WriteString(name + ":" + value + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + payloadHash)
	return b.String()
}

// headerValue returns the canonical value of a header: its values trimmed,
// sorted and joined by ','. ok is false when the request lacks it.
func (m message) headerValue(name string) (value string, ok bool) {
	if name == headerHost {
		return m.host, m.host != ""
	}
	values := m.header.Values(name)
	if len(values) == 0 {
		return "", false
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
	if rawPath == "" {
		return "/"
	}
	return pathSubstitutions.Replace(rawPath)
}

// canonicalQuery sorts keys byte-wise and leaves them unencoded; values are
// strictly RFC 3986 encoded. A repeated key (which the SDK never sends) gives
// one pair per value, values sorted, so that no value goes unsigned.
func canonicalQuery(q url.Values) string {
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

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
