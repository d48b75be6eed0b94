package acs3

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// requiredSigned are the headers every signature must cover: without them a
// signature would not bind the host, the body, the time or a nonce.
var requiredSigned = []string{headerHost, HeaderContentSHA256, HeaderDate, HeaderNonce}

const maxNonce = 128 // bytes; the SDK sends 64

// checkSignedHeaders enforces that the signature covers the required
// headers, that every header it names is present, and that no content-type or
// x-acs-* header on the request went unsigned. It appends the signed headers'
// canonical values (headerValue), in signed's order, to values.
func checkSignedHeaders(values []string, msg message, signed []string) ([]string, error) {
	for _, name := range requiredSigned {
		if !slices.Contains(signed, name) {
			return nil, fmt.Errorf("%w: header %s is not in SignedHeaders", ErrMissingAuthorization, name)
		}
	}
	for _, name := range signed {
		value, ok := msg.headerValue(name)
		if !ok {
			return nil, fmt.Errorf("%w: signed header %s is missing from the request", ErrMissingAuthorization, name)
		}
		values = append(values, value)
	}
	for key := range msg.header {
		if mustSign(key) && !containsFold(signed, key) {
			return nil, fmt.Errorf("%w: header %s is present but not signed", ErrMissingAuthorization, strings.ToLower(key))
		}
	}
	if nonce := msg.nonce(); nonce == "" || len(nonce) > maxNonce {
		return nil, fmt.Errorf("%w: %s must have 1 to %d bytes", ErrMissingAuthorization, HeaderNonce, maxNonce)
	}
	return values, nil
}

// checkDate parses x-acs-date and requires it within skew of now.
func checkDate(value string, now time.Time, skew time.Duration) (time.Time, error) {
	date, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %s %q is not a time like %s", ErrMissingAuthorization, HeaderDate, value, DateLayout)
	}
	if d := now.Sub(date); d > skew || d < -skew {
		return time.Time{}, fmt.Errorf("%w: %s %s is more than %s from the server's time %s",
			ErrClockSkew, HeaderDate, value, skew, now.UTC().Format(DateLayout))
	}
	return date, nil
}

// mustSign says whether a request's header must be signed: content-type
// and x-acs-*, in any case.
func mustSign(key string) bool {
	return strings.EqualFold(key, headerContentType) ||
		len(key) >= len(signedPrefix) && strings.EqualFold(key[:len(signedPrefix)], signedPrefix)
}

// containsFold says whether the lower-case list has name in any case.
func containsFold(list []string, name string) bool {
	for _, s := range list {
		if strings.EqualFold(s, name) {
			return true
		}
	}
	return false
}
