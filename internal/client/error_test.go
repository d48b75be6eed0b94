package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestErrorParsing(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   Error
		text   string
	}{
		{
			name: "FC error", status: http.StatusNotFound,
			body: `{"Code":"FunctionNotFound","Message":"function 'x' does not exist.","RequestId":"rid-1"}`,
			want: Error{Status: 404, Code: "FunctionNotFound", Message: "function 'x' does not exist.", RequestID: "rid-1"},
			text: "FunctionNotFound: function 'x' does not exist. (status 404, request id rid-1)",
		},
		{
			name: "lower-case fields", status: http.StatusConflict,
			body: `{"code":"ConcurrentUpdateError","message":"concurrent update","requestId":"rid-409"}`,
			want: Error{Status: 409, Code: "ConcurrentUpdateError", Message: "concurrent update", RequestID: "rid-409"},
			text: "ConcurrentUpdateError: concurrent update (status 409, request id rid-409)",
		},
		{
			name: "request id from header", status: http.StatusTooManyRequests,
			body: `{"Code":"Throttling.User","Message":"throttled"}`,
			want: Error{Status: 429, Code: "Throttling.User", Message: "throttled", RequestID: "rid-header"},
			text: "Throttling.User: throttled (status 429, request id rid-header)",
		},
		{
			name: "HTML body", status: http.StatusBadGateway,
			body: "<html>\n  bad gateway\n</html>",
			want: Error{Status: 502, Message: "<html> bad gateway </html>", RequestID: "rid-header"},
			text: "HTTP 502 Bad Gateway: <html> bad gateway </html> (status 502, request id rid-header)",
		},
		{
			name: "FC2 error shape is not FC3", status: http.StatusNotFound,
			body: `{"errorCode":"FunctionNotFound","errorMessage":"gone"}`,
			want: Error{Status: 404, Message: `{"errorCode":"FunctionNotFound","errorMessage":"gone"}`, RequestID: "rid-header"},
		},
		{
			name: "empty body", status: http.StatusInternalServerError,
			want: Error{Status: 500, Message: "(empty body)", RequestID: "rid-header"},
		},
		{
			name: "long body cut", status: http.StatusServiceUnavailable,
			body: strings.Repeat("云", 100),
			want: Error{Status: 503, Message: strings.Repeat("云", 66) + "…", RequestID: "rid-header"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, requests := newFakeFC(t, replyJSON(tt.status, tt.body))
			_, err := c.GetFunction(context.Background(), "x", "")
			receive(t, requests, "GetFunction")
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("GetFunction = %v (%T), want *Error", err, err)
			}
			if *got != tt.want {
				t.Errorf("error = %+v, want %+v", *got, tt.want)
			}
			if tt.text != "" && got.Error() != tt.text {
				t.Errorf("Error() = %q, want %q", got.Error(), tt.text)
			}
		})
	}
}

// TestWrongSecretIsRefused checks the signing end to end: the server's
// verifier refuses a client with the wrong secret.
func TestWrongSecretIsRefused(t *testing.T) {
	c, requests := newFakeFC(t, replyJSON(http.StatusOK, functionJSON))
	c.secret = "wrong"
	_, err := c.GetFunction(context.Background(), "hello", "")
	if !IsCode(err, "SignatureNotMatch") {
		t.Fatalf("GetFunction = %v, want SignatureNotMatch", err)
	}
	if got := <-requests; got.VerifyErr == nil {
		t.Error("server: Verify = nil, want an error")
	}
}

func TestTransportErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name     string
		endpoint string
		want     string
	}{
		{"server down", closed.URL, "GetFunction: "},
		{"no host", "http://", "want http[s]://host"},
		{"bad scheme", "ftp://h", "want http[s]://host"},
		{"unparsable", "http://[::1", "endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.endpoint, testKeyID, testSecret).GetFunction(context.Background(), "hello", "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("GetFunction = %v, want an error containing %q", err, tt.want)
			}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				t.Errorf("GetFunction = %v, an *Error; want a transport error", err)
			}
		})
	}
}

// TestEndpointForms: a bare host:port (the SDK's form) and a base path both work.
func TestEndpointForms(t *testing.T) {
	c, requests := newFakeFC(t, replyJSON(http.StatusOK, functionJSON))
	host := strings.TrimPrefix(c.base.String(), "http://")
	for _, tt := range []struct{ name, endpoint, path string }{
		{"bare host:port", host, "/2023-03-30/functions/hello"},
		{"base path", "http://" + host + "/fc/", "/fc/2023-03-30/functions/hello"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.endpoint, testKeyID, testSecret)
			defer c.CloseIdleConnections()
			if _, err := c.GetFunction(context.Background(), "hello", ""); err != nil {
				t.Fatalf("GetFunction = %v, want nil", err)
			}
			if got := receive(t, requests, "GetFunction"); got.Path != tt.path {
				t.Errorf("path = %q, want %q", got.Path, tt.path)
			}
		})
	}
}
