package acs3

import (
	"bufio"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzVerify feeds arbitrary request lines, headers (Authorization among
// them) and bodies to Verify. It must never panic, and whatever it accepts
// must carry the signature that an independent implementation of §5
// computes with the secret.
func FuzzVerify(f *testing.F) {
	for _, wire := range []string{
		signedWire(&testing.T{}),
		strings.Replace(signedWire(&testing.T{}), "qualifier=LATEST", "qualifier=v%201&nextToken=tok*!", 1),
		strings.Replace(signedWire(&testing.T{}), "Signature=3", "Signature=4", 1),
	} {
		head, body, _ := strings.Cut(wire, "\r\n\r\n")
		requestLine, headers, _ := strings.Cut(head, "\r\n")
		method, target, _ := strings.Cut(strings.TrimSuffix(requestLine, " HTTP/1.1"), " ")
		f.Add(method, target, headers, body)
	}
	f.Fuzz(func(t *testing.T, method, target, headers, body string) {
		raw := fmt.Sprintf("%s %s HTTP/1.1\r\n%s\r\nContent-Length: %d\r\n\r\n%s", method, target, headers, len(body), body)
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return
		}
		gotBody, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		if _, err := newTestVerifier(testDate).Verify(context.Background(), r, gotBody); err != nil {
			return
		}
		if !referenceAccepts(r, gotBody, testSecret) {
			t.Fatalf("Verify accepted a request the reference refuses:\n%q", raw)
		}
		other := newTestVerifier(testDate)
		other.Lookup = lookupOf(map[string]string{testAccessKeyID: "another secret"})
		if _, err := other.Verify(context.Background(), r, gotBody); err == nil {
			t.Fatalf("Verify accepted a request with the wrong secret:\n%q", raw)
		}
	})
}

// referenceAccepts re-implements the signature check from the text of
// fc3-api.md §5, in the Go SDK's style, sharing no code with the package.
func referenceAccepts(r *http.Request, body []byte, secret string) bool {
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "ACS3-HMAC-SHA256 ")
	if !ok {
		return false
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(part, "=")
		fields[k] = v
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	if r.Header.Get("X-Acs-Content-Sha256") != payload {
		return false
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	canonical := strings.Join([]string{
		r.Method, referencePath(r.RequestURI), referenceQuery(r.URL.RawQuery),
		referenceHeaders(r, signed), fields["SignedHeaders"], payload,
	}, "\n")
	digest := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(digest[:])))
	return hex.EncodeToString(mac.Sum(nil)) == fields["Signature"]
}

func referencePath(requestURI string) string {
	path, _, _ := strings.Cut(requestURI, "?")
	path = strings.ReplaceAll(path, "+", "%20")
	path = strings.ReplaceAll(path, "*", "%2A")
	return strings.ReplaceAll(path, "%7E", "~")
}

func referenceQuery(raw string) string {
	q, _ := url.ParseQuery(raw)
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range q {
		for _, v := range vs {
			v = strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
			pairs = append(pairs, pair{k, strings.ReplaceAll(v, "*", "%2A")})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return cmp.Or(strings.Compare(a.k, b.k), strings.Compare(a.v, b.v)) })
	var out []string
	for _, p := range pairs {
		out = append(out, p.k+"="+p.v)
	}
	return strings.Join(out, "&")
}

func referenceHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		values := r.Header[textproto.CanonicalMIMEHeaderKey(name)]
		if name == "host" {
			values = []string{r.Host}
		}
		var trimmed []string
		for _, v := range values {
			trimmed = append(trimmed, strings.TrimSpace(v))
		}
		slices.Sort(trimmed)
		b.WriteString(name + ":" + strings.Join(trimmed, ",") + "\n")
	}
	return b.String()
}
