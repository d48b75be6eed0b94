package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

// webResponse is what an invocation answers over HTTP.
type webResponse struct {
	status int
	header http.Header
	body   []byte
}

// droppedResponseHeaders are never taken from a function's answer
// (fc3-api.md §8.4): Yun sets them, or they describe one connection.
var droppedResponseHeaders = []string{"Connection", "Content-Length", "Date", "Keep-Alive", "Server",
	"Transfer-Encoding", "Upgrade", "Te", "Trailer", "Proxy-Connection"}

// toWebResponse turns a built-in runtime's result into the HTTP answer. A
// failed invocation is 502 with x-fc-error-type and FC's error JSON;
// otherwise the return value is read as {statusCode, headers, body,
// isBase64Encoded} (fc3-api.md §8.5), and any other value is a 200 with the
// value as the body.
func toWebResponse(res *sandbox.Result) (*webResponse, error) {
	if res.ErrorType != "" {
		h := http.Header{"Content-Type": {"application/json"}, "X-Fc-Error-Type": {res.ErrorType}}
		return &webResponse{status: http.StatusBadGateway, header: h, body: res.Body}, nil
	}
	return parseFunctionResponse(res.Body)
}

// functionResponse is the shape of a return value that means an HTTP answer.
type functionResponse struct {
	StatusCode      json.Number                `json:"statusCode"`
	Headers         map[string]json.RawMessage `json:"headers"`
	Body            json.RawMessage            `json:"body"`
	IsBase64Encoded bool                       `json:"isBase64Encoded"`
}

func parseFunctionResponse(body []byte) (*webResponse, error) {
	trimmed := bytes.TrimSpace(body)
	var fields map[string]json.RawMessage
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &fields) != nil {
		return plainResponse(body, trimmed), nil
	}
	if _, ok := fields["statusCode"]; !ok {
		return plainResponse(body, trimmed), nil
	}
	var fr functionResponse
	if err := json.Unmarshal(trimmed, &fr); err != nil {
		return nil, badResponse("%v", err)
	}
	status, err := strconv.Atoi(fr.StatusCode.String())
	if err != nil || status < 200 || status > 599 {
		return nil, badResponse("statusCode %q is not an integer in [200, 599]", fr.StatusCode)
	}
	out := &webResponse{status: status, header: responseHeaders(fr.Headers)}
	if out.body, err = responseBody(fr.Body, fr.IsBase64Encoded); err != nil {
		return nil, err
	}
	return out, nil
}

// plainResponse is a 200 with the value as it is; JSON is labelled so.
func plainResponse(body, trimmed []byte) *webResponse {
	h := http.Header{}
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid(trimmed) {
		h.Set("Content-Type", "application/json")
	}
	return &webResponse{status: http.StatusOK, header: h, body: body}
}

func badResponse(format string, args ...any) *fc.Error {
	return fc.Errorf(http.StatusBadGateway, "InvalidFunctionResponse", "the function's HTTP response is invalid: "+format, args...)
}

// responseHeaders takes the function's headers: strings, numbers and
// booleans as their text, arrays as repeated values; names that are not
// HTTP tokens and the headers Yun owns are dropped.
func responseHeaders(in map[string]json.RawMessage) http.Header {
	h := http.Header{}
	for name, raw := range in {
		if !validToken(name) {
			continue
		}
		var many []json.RawMessage
		if json.Unmarshal(raw, &many) != nil {
			many = []json.RawMessage{raw}
		}
		for _, v := range many {
			h.Add(name, jsonText(v))
		}
	}
	return filterResponseHeaders(h)
}

// jsonText is a JSON string's content, or any other value's JSON text.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func responseBody(raw json.RawMessage, isBase64 bool) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	text := jsonText(raw)
	if !isBase64 {
		return []byte(text), nil
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, badResponse("isBase64Encoded is true but body is not base64: %v", err)
	}
	return b, nil
}

// filterResponseHeaders drops x-fc-* and the headers Yun owns.
func filterResponseHeaders(h http.Header) http.Header {
	for _, k := range droppedResponseHeaders {
		delete(h, k)
	}
	for k := range h {
		if isFCHeader(k) || strings.HasPrefix(k, "Proxy-") {
			delete(h, k)
		}
	}
	return h
}

// validToken says whether s is an HTTP header name (RFC 9110 §5.1).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// writeWebResponse sends the answer; the CORS policy, if any, adds its
// headers for the request's origin.
func writeWebResponse(w http.ResponseWriter, resp *webResponse, cors *corsPolicy, origin string) {
	h := w.Header()
	for k, vs := range resp.header {
		h[k] = vs
	}
	if cors != nil {
		cors.decorate(h, origin)
	}
	if resp.status == http.StatusNoContent || resp.status == http.StatusNotModified {
		w.WriteHeader(resp.status) // a body is not allowed (RFC 9110 §15.3.5, §15.4.5)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	w.Write(resp.body)
}
