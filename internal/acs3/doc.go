// Package acs3 signs and verifies requests with ACS3-HMAC-SHA256, the request
// signature of Alibaba Cloud's OpenAPI SDKs and so of the FC 3.0 API
// (../../shared/fc3-api.md §5). Sign is what a client does; a Verifier is what
// the API does with every request it receives.
//
// A signature covers the canonical request:
//
//	METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//
// where CanonicalURI is the path exactly as it travels on the wire, with the
// SDK's three substitutions ('+'→%20, '*'→%2A, %7E→'~') and nothing else: no
// decoding, no re-encoding, no dot-segment or slash normalisation. The query is
// decoded from the wire and re-encoded with strict RFC 3986 (keys sorted
// byte-wise and left unencoded), because the SDK sends '!', '*', '(' … raw but
// signs them escaped. CanonicalHeaders lists the headers named in
// SignedHeaders, lower-cased, trimmed, repeated values sorted and joined by ','.
//
// Invariants a Verifier keeps:
//   - the headers host, x-acs-content-sha256, x-acs-date and
//     x-acs-signature-nonce are signed, and so is every content-type and x-acs-*
//     header the request carries: nothing that changes how a request is read
//     or whose credentials it uses can be added in transit;
//   - the body hashes to x-acs-content-sha256;
//   - x-acs-date is within MaxSkew of the Verifier's clock;
//   - a nonce is accepted at most once per access key: it is remembered until
//     its request's date falls out of the skew window, after which the date
//     check refuses a replay anyway; when the cache is full the oldest dates
//     are forgotten and requests dated before them are refused;
//   - signatures are compared in constant time, and no error carries the
//     expected signature or the secret.
//
// Failures are the sentinel errors in errors.go, wrapped with a message that
// names the header or value at fault; callers map them with errors.Is.
package acs3
