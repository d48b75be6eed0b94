package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/acs3"
)

const (
	testKeyID  = "LTAI5tTestKey"
	testSecret = "test-secret"
)

// seen is one request as the fake server received it.
type seen struct {
	Method, Path, RawQuery string // Path as on the wire
	Header                 http.Header
	Body                   []byte
	VerifyErr              error
}

// newFakeFC starts a server that verifies every request with acs3 (answering
// 403 SignatureNotMatch when that fails), reports it on the returned
// channel, and lets reply answer the ones that pass.
func newFakeFC(t *testing.T, reply http.HandlerFunc) (*Client, <-chan seen) {
	t.Helper()
	requests := make(chan seen, 16)
	v := &acs3.Verifier{Lookup: func(_ context.Context, id string) (string, error) {
		if id != testKeyID {
			return "", fmt.Errorf("%q: %w", id, acs3.ErrUnknownAccessKey)
		}
		return testSecret, nil
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			_, err = v.Verify(r.Context(), r, body)
		}
		path, _, _ := strings.Cut(r.RequestURI, "?")
		requests <- seen{r.Method, path, r.URL.RawQuery, r.Header.Clone(), body, err}
		if err != nil {
			writeJSON(w, http.StatusForbidden, map[string]string{"Code": "SignatureNotMatch", "Message": err.Error(), "RequestId": "rid-auth"})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		reply(w, r)
	}))
	t.Cleanup(srv.Close)
	c := New(srv.URL, testKeyID, testSecret)
	t.Cleanup(c.CloseIdleConnections)
	return c, requests
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// replyJSON answers every request with status and body.
func replyJSON(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("content-type", "application/json")
		w.Header().Set("x-fc-request-id", "rid-header")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// receive returns the one request the server saw, and checks its signature
// and the headers every call carries.
func receive(t *testing.T, requests <-chan seen, action string) seen {
	t.Helper()
	var got seen
	select {
	case got = <-requests:
	default:
		t.Fatal("the server saw no request")
	}
	if got.VerifyErr != nil {
		t.Errorf("server: Verify = %v, want nil", got.VerifyErr)
	}
	for name, want := range map[string]string{"x-acs-action": action, "accept": "application/json", "x-acs-version": "2023-03-30"} {
		if v := got.Header.Get(name); v != want {
			t.Errorf("header %s = %q, want %q", name, v, want)
		}
	}
	return got
}
