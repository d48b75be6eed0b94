package acs3

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Sign signs req the way the official SDK does, for a body of exactly body
// (which the caller sends unchanged). It sets req.Host (from req.URL when
// empty), x-acs-date from now, a fresh random x-acs-signature-nonce,
// x-acs-content-sha256, x-acs-version (2023-03-30) when unset, and
// Authorization. It signs host, content-type and every x-acs-* header, so set
// those before calling Sign and leave them alone after. A request must be
// signed again before it is re-sent: the server refuses a nonce twice.
func Sign(req *http.Request, body []byte, accessKeyID, secret string, now time.Time) {
	sign(req, body, accessKeyID, secret, now, newNonce())
}

func sign(req *http.Request, body []byte, accessKeyID, secret string, now time.Time, nonce string) {
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	payloadHash := hashHex(body)
	req.Header.Set(HeaderDate, now.UTC().Format(DateLayout))
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderContentSHA256, payloadHash)
	if req.Header.Get(HeaderVersion) == "" {
		req.Header.Set(HeaderVersion, APIVersion)
	}
	signed := signableHeaders(req.Header)
	msg := messageOf(req)
	auth := authorization{
		accessKeyID: accessKeyID,
		signed:      signed,
		signature:   signature(secret, stringToSign(msg.canonical(signed, payloadHash))),
	}
	req.Header.Set("Authorization", auth.String())
}

// messageOf reads what a client request will put on the wire.
func messageOf(req *http.Request) message {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	return message{
		method:  method,
		rawPath: req.URL.EscapedPath(),
		query:   req.URL.Query(),
		header:  req.Header,
		host:    req.Host,
	}
}

// signableHeaders lists host, content-type and the x-acs-* headers of h,
// lower-cased and sorted.
func signableHeaders(h http.Header) []string {
	names := []string{headerHost}
	for key := range h {
		name := strings.ToLower(key)
		if name == headerContentType || strings.HasPrefix(name, signedPrefix) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// newNonce returns 64 random hex digits, the form the SDK sends.
func newNonce() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails; it crashes the program instead
	return hex.EncodeToString(b[:])
}
