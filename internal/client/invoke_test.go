package client

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"testing"
)

// echo answers an invocation the way FC does: the result, the request ID,
// the tail log when asked, and x-fc-error-type for a failed function.
func echo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-fc-request-id", "rid-inv")
	if r.Header.Get("x-fc-log-type") == "Tail" {
		w.Header().Set("x-fc-log-result", base64.StdEncoding.EncodeToString([]byte("FC Invoke Start RequestId: rid-inv\n")))
	}
	if r.Header.Get("x-fc-invocation-type") == "Async" {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if r.URL.Query().Get("qualifier") == "broken" {
		w.Header().Set("x-fc-error-type", "UnhandledInvocationError")
	}
	body, _ := io.ReadAll(r.Body)
	io.WriteString(w, "echo:"+string(body))
}

func TestInvoke(t *testing.T) {
	type want struct {
		query, invocationType, logType, contentType, custom string
		status                                              int
		body, log, errorType                                string
	}
	tests := []struct {
		name string
		opt  InvokeOptions
		want want
	}{
		{
			name: "sync with tail log and extra header",
			opt: InvokeOptions{Qualifier: "LATEST", Body: []byte(`{"key":"value"}`), LogTail: true,
				Header: http.Header{"x-custom": {"c"}, "x-fc-invocation-type": {"overridden"}}},
			want: want{query: "qualifier=LATEST", invocationType: "Sync", logType: "Tail", contentType: "application/octet-stream", custom: "c",
				status: http.StatusOK, body: `echo:{"key":"value"}`, log: "FC Invoke Start RequestId: rid-inv\n"},
		},
		{
			name: "function error is a result",
			opt:  InvokeOptions{Qualifier: "broken", Body: []byte("x")},
			want: want{query: "qualifier=broken", invocationType: "Sync", contentType: "application/octet-stream",
				status: http.StatusOK, body: "echo:x", errorType: "UnhandledInvocationError"},
		},
		{
			name: "async without body",
			opt:  InvokeOptions{Async: true},
			want: want{invocationType: "Async", status: http.StatusAccepted},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, requests := newFakeFC(t, echo)
			res, err := c.Invoke(context.Background(), "hello", tt.opt)
			if err != nil {
				t.Fatalf("Invoke = %v, want nil", err)
			}
			got := receive(t, requests, "InvokeFunction")
			checks := []struct{ what, got, want string }{
				{"method", got.Method, http.MethodPost},
				{"path", got.Path, "/2023-03-30/functions/hello/invocations"},
				{"query", got.RawQuery, tt.want.query},
				{"x-fc-invocation-type", got.Header.Get("x-fc-invocation-type"), tt.want.invocationType},
				{"x-fc-log-type", got.Header.Get("x-fc-log-type"), tt.want.logType},
				{"content-type", got.Header.Get("content-type"), tt.want.contentType},
				{"x-custom", got.Header.Get("x-custom"), tt.want.custom},
				{"request body", string(got.Body), string(tt.opt.Body)},
				{"result body", string(res.Body), tt.want.body},
				{"RequestID", res.RequestID, "rid-inv"},
				{"Log", res.Log, tt.want.log},
				{"ErrorType", res.ErrorType, tt.want.errorType},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			if res.Status != tt.want.status {
				t.Errorf("Status = %d, want %d", res.Status, tt.want.status)
			}
		})
	}
}

// TestInvokeEmptyBodySendsContentLengthZero matches the SDK's invoke
// without payload: Content-Length: 0 and no content-type.
func TestInvokeEmptyBodySendsContentLengthZero(t *testing.T) {
	lengths := make(chan int64, 1)
	c, requests := newFakeFC(t, func(w http.ResponseWriter, r *http.Request) {
		lengths <- r.ContentLength
	})
	if _, err := c.Invoke(context.Background(), "hello", InvokeOptions{}); err != nil {
		t.Fatalf("Invoke = %v, want nil", err)
	}
	got := receive(t, requests, "InvokeFunction")
	if n := <-lengths; n != 0 {
		t.Errorf("Content-Length = %d, want 0", n)
	}
	if ct, ok := got.Header["Content-Type"]; ok {
		t.Errorf("content-type = %q, want none", ct)
	}
}

func TestDecodeLog(t *testing.T) {
	tests := []struct{ name, header, want string }{
		{"absent", "", ""},
		{"base64", base64.StdEncoding.EncodeToString([]byte("line\r\n")), "line\r\n"},
		{"not base64 kept", "not base64!", "not base64!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeLog(tt.header); got != tt.want {
				t.Errorf("decodeLog(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}
