package client

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
)

// InvokeOptions shape one InvokeFunction call (fc3-api.md §4).
type InvokeOptions struct {
	Qualifier string // version, alias or LATEST; empty for the server's default
	Body      []byte // the event, sent as application/octet-stream
	LogTail   bool   // x-fc-log-type: Tail, returning the log's last 4 KB
	Async     bool   // x-fc-invocation-type: Async instead of Sync
	// Header holds extra headers, e.g. x-fc-async-task-id. x-fc-* headers
	// are not signed. The options above win over the same headers here.
	Header http.Header
}

// InvokeResult is a completed invocation. A function that failed still
// returns a 2xx result, with ErrorType set.
type InvokeResult struct {
	Status    int
	Header    http.Header
	Body      []byte
	RequestID string // x-fc-request-id
	ErrorType string // x-fc-error-type, e.g. UnhandledInvocationError
	// Log is x-fc-log-result decoded from base64 (LogTail only). A value
	// that is not base64 is kept as it came.
	Log string
}

// Invoke calls a function (POST /functions/{name}/invocations). Platform
// failures (unknown function, throttling, oversized payload) are *Error.
func (c *Client) Invoke(ctx context.Context, name string, opt InvokeOptions) (*InvokeResult, error) {
	op := Op{Action: "InvokeFunction", Method: http.MethodPost, Path: functionPath(name) + "/invocations",
		Query: qualifierQuery(opt.Qualifier)}
	resp, err := c.send(ctx, op, opt.Body, opt.header())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("function %q: read invocation result: %w", name, err)
	}
	if len(body) > maxResponse {
		return nil, fmt.Errorf("function %q: invocation result exceeds %d bytes", name, maxResponse)
	}
	return &InvokeResult{
		Status:    resp.StatusCode,
		Header:    resp.Header,
		Body:      body,
		RequestID: resp.Header.Get("x-fc-request-id"),
		ErrorType: resp.Header.Get("x-fc-error-type"),
		Log:       decodeLog(resp.Header.Get("x-fc-log-result")),
	}, nil
}

func (o InvokeOptions) header() http.Header {
	// Canonical keys first, so that what Invoke sets replaces a caller's
	// header of the same name whatever its spelling.
	h := make(http.Header, len(o.Header)+3)
	for k, v := range o.Header {
		k = http.CanonicalHeaderKey(k)
		h[k] = append(h[k], v...)
	}
	h.Set("x-fc-invocation-type", "Sync")
	if o.Async {
		h.Set("x-fc-invocation-type", "Async")
	}
	if o.LogTail {
		h.Set("x-fc-log-type", "Tail")
	}
	if len(o.Body) > 0 {
		h.Set("content-type", "application/octet-stream")
	}
	return h
}

func decodeLog(value string) string {
	log, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return value
	}
	return string(log)
}
