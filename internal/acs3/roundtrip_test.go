package acs3

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// TestSignVerifyOverHTTP signs with Sign, sends through a real server with a
// chunked body (as the SDK does), and verifies what the server received.
func TestSignVerifyOverHTTP(t *testing.T) {
	type seen struct {
		chunked bool
		err     error
	}
	results := make(chan seen, 1)
	v := &Verifier{Lookup: lookupOf(map[string]string{testAccessKeyID: testSecret})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			_, err = v.Verify(r.Context(), r, body)
		}
		results <- seen{chunked: slices.Equal(r.TransferEncoding, []string{"chunked"}) && r.ContentLength == -1, err: err}
	}))
	defer srv.Close()

	tests := []struct {
		name, method, target, body string
	}{
		{"invoke with chunked body", http.MethodPost, "/2023-03-30/functions/hello/invocations?qualifier=LATEST", `{"key":"value"}`},
		{"special characters in path and query", http.MethodGet, "/2023-03-30/functions/a%20b%2Bc?qualifier=v%201", ""},
		{"ARN in one path segment", http.MethodGet, "/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fl1%2Fversions%2F1", ""},
		{"loose query escaping", http.MethodGet, "/2023-03-30/functions?nextToken=tok%2F%2B%3D%20*!&limit=10", ""},
		{"JSON query parameter", http.MethodGet, "/2023-03-30/functions?tags=%5B%7B%22Key%22%3A%22k%22%7D%5D", ""},
		{"empty body POST", http.MethodPost, "/2023-03-30/functions/hello/invocations", ""},
		{"binary body", http.MethodPost, "/2023-03-30/functions/hello/invocations", "\x00\xff\r\n\x1f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			req := newClientRequest(t, tt.method, srv.URL+tt.target, body)
			Sign(req, body, testAccessKeyID, testSecret, time.Now())
			if len(body) > 0 {
				req.Body = io.NopCloser(bytes.NewReader(body)) // unknown length: sent chunked
			}
			resp, err := srv.Client().Do(req.WithContext(context.Background()))
			if err != nil {
				t.Fatalf("%s %s: %v", tt.method, tt.target, err)
			}
			resp.Body.Close()
			got := <-results
			if got.err != nil {
				t.Errorf("Verify = %v, want nil", got.err)
			}
			if wantChunked := len(body) > 0; got.chunked != wantChunked {
				t.Errorf("chunked = %v, want %v", got.chunked, wantChunked)
			}
		})
	}
}
