package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// maxResponse bounds how much of a response body the client reads.
const maxResponse = 64 << 20

const contentTypeJSON = "application/json; charset=utf-8" // what the SDK sends

// Op is one API operation.
type Op struct {
	Action string // x-acs-action, e.g. "CreateAlias"
	Method string
	// Path follows /2023-03-30 and starts with '/'. Escape path
	// parameters with PathEscape: "/functions/" + PathEscape(name) + "/aliases".
	Path  string
	Query url.Values
	// Prefix replaces the FC API's /2023-03-30 before Path, for Yun's own
	// API (AdminPrefix).
	Prefix string
}

// AdminPrefix starts Yun's own management API (accounts and keys).
const AdminPrefix = "/yun/v1"

// Do calls op with in, if not nil, as its JSON body, and decodes the JSON
// answer into out, if not nil. A status >= 400 is an *Error.
func (c *Client) Do(ctx context.Context, op Op, in, out any) error {
	body, err := encodeBody(in)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", op.Action, err)
	}
	var header http.Header
	if body != nil {
		header = http.Header{"Content-Type": {contentTypeJSON}}
	}
	resp, err := c.send(ctx, op, body, header)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := decodeBody(resp.Body, out); err != nil {
		return fmt.Errorf("%s: decode response (status %d): %w", op.Action, resp.StatusCode, err)
	}
	return nil
}

// call is Do for operations that answer a model.
func call[T any](ctx context.Context, c *Client, op Op, in any) (*T, error) {
	out := new(T)
	if err := c.Do(ctx, op, in, out); err != nil {
		return nil, err
	}
	return out, nil
}

// encodeBody marshals in and, for an object, drops its null fields: the SDK
// never sends them, and a server decoding null into json.RawMessage would
// keep a literal null. Keys come out sorted, as the SDK sends them.
func encodeBody(in any) ([]byte, error) {
	if in == nil {
		return nil, nil
	}
	b, err := json.Marshal(in)
	if err != nil || len(b) == 0 || b[0] != '{' {
		return b, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	for name, value := range fields {
		if bytes.Equal(value, []byte("null")) {
			delete(fields, name)
		}
	}
	return json.Marshal(fields)
}

// decodeBody reads a JSON answer into out, or drains it when out is nil.
func decodeBody(r io.Reader, out any) error {
	b, err := io.ReadAll(io.LimitReader(r, maxResponse+1))
	if err != nil {
		return err
	}
	if len(b) > maxResponse {
		return fmt.Errorf("body exceeds %d bytes", maxResponse)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// PathEscape escapes one path parameter as the SDK does: encodeURIComponent
// (which keeps A-Z a-z 0-9 - _ . ! ~ * ' ( )), then '*' as %2A. "a b+c"
// becomes "a%20b%2Bc"; an ARN stays one segment.
func PathEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isPathSafe(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return string(b)
}

func isPathSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '.', '!', '~', '\'', '(', ')':
		return true
	}
	return false
}
