package workload

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/acs3"
)

const (
	testKeyID  = "AKTEST0001"
	testSecret = "secret-0123"
)

// TestInvokerSignsAsACS3: the Invoker's Authorization is the one acs3.Sign
// computes for the same request, date and nonce.
func TestInvokerSignsAsACS3(t *testing.T) {
	for _, body := range []string{"50", "", strings.Repeat("x", 300)} {
		v, err := NewInvoker(http.DefaultClient, "http://127.0.0.1:9000", testKeyID, testSecret, "bench-slow", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, v.url, strings.NewReader(body))
		for k, vals := range v.header {
			req.Header[k] = vals
		}
		acs3.Sign(req, []byte(body), testKeyID, testSecret, time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC))
		date, err := time.Parse(acs3.DateLayout, req.Header.Get("x-acs-date"))
		if err != nil {
			t.Fatal(err)
		}
		_, auth := v.sign(date, req.Header.Get("x-acs-signature-nonce"))
		if want := req.Header.Get("Authorization"); auth != want {
			t.Errorf("body %q:\n got %s\nwant %s", body, auth, want)
		}
	}
}

// TestInvokerDo: a server that verifies every request as Yun does (replays
// refused) accepts concurrent requests from one Invoker, and Do classifies
// its answers.
func TestInvokerDo(t *testing.T) {
	verifier := &acs3.Verifier{Lookup: func(context.Context, string) (string, error) { return testSecret, nil }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := verifier.Verify(r.Context(), r, body); err != nil {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"Code":"SignatureNotMatch","Message":"`+err.Error()+`"}`)
			return
		}
		switch string(body) {
		case "throttle":
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"Code":"ResourceThrottled","Message":"`+strings.Repeat("m", 400)+`"}`)
		case "crash":
			w.Header().Set("x-fc-error-type", "UnhandledInvocationError")
			io.WriteString(w, `{"errorMessage":"boom"}`)
		case "plain":
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "bad gateway")
		default:
			io.WriteString(w, "slept "+string(body)+" ms")
		}
	}))
	defer srv.Close()
	invoker := func(body string) *Invoker {
		v, err := NewInvoker(srv.Client(), srv.URL, testKeyID, testSecret, "f", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ok := invoker("50")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 25 {
				if out := ok.Do(t.Context()); out.Code != "" || out.Value != "slept 50 ms" {
					t.Errorf("got %+v, want success answering \"slept 50 ms\"", out)
					return
				}
			}
		})
	}
	wg.Wait()
	tests := []struct {
		body, code string
		status     int
	}{
		{"throttle", "ResourceThrottled", 503},
		{"crash", "UnhandledInvocationError", 200},
		{"plain", "HTTP502", 502},
	}
	for _, tt := range tests {
		if out := invoker(tt.body).Do(t.Context()); out.Code != tt.code || out.Status != tt.status {
			t.Errorf("body %q: got code %q status %d, want %q and %d", tt.body, out.Code, out.Status, tt.code, tt.status)
		}
	}
	if _, err := NewInvoker(srv.Client(), "not a url", testKeyID, testSecret, "f", nil); err == nil {
		t.Errorf("NewInvoker with a bad endpoint: got nil error, want one")
	}
}
