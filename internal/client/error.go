package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

const (
	maxErrorBody = 64 << 10 // bytes of an error body read
	maxSnippet   = 200      // bytes of a non-JSON error body kept in Message
)

// Error is an API failure: a status >= 400 with FC's error body.
type Error struct {
	Status    int
	Code      string // e.g. FunctionNotFound; empty when the body was not FC JSON
	Message   string // FC's message, or the start of a body that was not FC JSON
	RequestID string // RequestId of the body, else the x-fc-request-id header
}

func (e *Error) Error() string {
	code := e.Code
	if code == "" {
		code = fmt.Sprintf("HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	s := fmt.Sprintf("%s: %s (status %d", code, e.Message, e.Status)
	if e.RequestID != "" {
		s += ", request id " + e.RequestID
	}
	return s + ")"
}

// IsCode reports whether err is an *Error with the given FC Code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// errorFrom reads resp's error body. Field names match case-insensitively,
// so both FC's Code/Message/RequestId and code/message/requestId work.
func errorFrom(resp *http.Response) *Error {
	e := &Error{Status: resp.StatusCode, RequestID: resp.Header.Get("x-fc-request-id")}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var wire struct {
		Code      string `json:"Code"`
		Message   string `json:"Message"`
		RequestID string `json:"RequestId"`
	}
	if json.Unmarshal(body, &wire) != nil || wire.Code == "" && wire.Message == "" {
		e.Message = snippet(body)
		return e
	}
	e.Code, e.Message = wire.Code, wire.Message
	if wire.RequestID != "" {
		e.RequestID = wire.RequestID
	}
	return e
}

// snippet is the start of a body, printable in one line of an error.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return "(empty body)"
	}
	if len(s) > maxSnippet {
		cut := maxSnippet
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
