package acs3

import "errors"

// Verification failures. Verify wraps exactly one of them, or returns a
// Lookup error that is none of them (the store failed: an internal error).
var (
	// ErrMissingAuthorization: no Authorization header, one that does not
	// parse, or a required header that is absent, unsigned or malformed.
	ErrMissingAuthorization = errors.New("missing or malformed authorization")
	// ErrUnknownAccessKey: the access key ID names no key. Lookup reports
	// "not found" by returning an error that wraps it.
	ErrUnknownAccessKey = errors.New("unknown access key")
	// ErrSignatureMismatch: the signature is not the one the secret gives
	// (or the query cannot be decoded to compute it).
	ErrSignatureMismatch = errors.New("signature does not match")
	// ErrBodyHash: the body does not hash to x-acs-content-sha256.
	ErrBodyHash = errors.New("body does not match x-acs-content-sha256")
	// ErrClockSkew: x-acs-date is too far from the server's clock, or older
	// than what the nonce cache still remembers.
	ErrClockSkew = errors.New("request time too skewed")
	// ErrNonceReplayed: x-acs-signature-nonce was already used.
	ErrNonceReplayed = errors.New("signature nonce already used")
)
