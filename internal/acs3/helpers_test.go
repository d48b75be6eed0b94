package acs3

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The credentials and time of the worked example in fc3-api.md §5.
const (
	testAccessKeyID = "LTAI5tDummyAccessKeyId"
	testSecret      = "DummyAccessKeySecret0123456789"
	testNonce       = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

var testDate = time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)

// lookupOf answers with the secrets in keys and ErrUnknownAccessKey otherwise.
func lookupOf(keys map[string]string) func(context.Context, string) (string, error) {
	return func(_ context.Context, id string) (string, error) {
		secret, ok := keys[id]
		if !ok {
			return "", fmt.Errorf("key %q: %w", id, ErrUnknownAccessKey)
		}
		return secret, nil
	}
}

// newTestVerifier knows the test key and believes it is now.
func newTestVerifier(now time.Time) *Verifier {
	return &Verifier{
		Lookup: lookupOf(map[string]string{testAccessKeyID: testSecret}),
		Now:    func() time.Time { return now },
	}
}

// newClientRequest builds the worked example's invocation with a body, as a
// client would before signing.
func newClientRequest(t *testing.T, method, target string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatalf("NewRequest(%s %s): %v", method, target, err)
	}
	req.Header.Set("x-acs-action", "InvokeFunction")
	req.Header.Set("x-acs-credentials-provider", "static_ak")
	if len(body) > 0 {
		req.Header.Set("content-type", "application/octet-stream")
	}
	return req
}

// toWire serialises a client request the way net/http's client sends it.
func toWire(t *testing.T, req *http.Request, body []byte) string {
	t.Helper()
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("write request: %v", err)
	}
	return buf.String()
}

// fromWire reads a request as net/http's server does, with its whole body.
func fromWire(t *testing.T, raw string) (*http.Request, []byte) {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("read request: %v\n%s", err, raw)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return r, body
}

// signedWire is the worked example signed at testDate, as raw bytes.
func signedWire(t *testing.T) string {
	t.Helper()
	body := []byte(`{"key":"value"}`)
	req := newClientRequest(t, http.MethodPost, "http://127.0.0.1:9000/2023-03-30/functions/hello/invocations?qualifier=LATEST", body)
	sign(req, body, testAccessKeyID, testSecret, testDate, testNonce)
	return toWire(t, req, body)
}
