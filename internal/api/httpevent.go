package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"
)

// httpEvent is the event an HTTP trigger hands a built-in runtime
// (fc3-api.md §8.5): rawPath stays escaped while requestContext.http.path is
// decoded; repeated headers and query parameters are joined with ','; a body
// that is not text goes as base64 with isBase64Encoded; timeEpoch is a string
// of milliseconds. Header names are canonical (X-Acs-Date), as FC sends them.
type httpEvent struct {
	Version         string            `json:"version"`
	RawPath         string            `json:"rawPath"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	Headers         map[string]string `json:"headers"`
	QueryParameters map[string]string `json:"queryParameters"`
	RequestContext  eventContext      `json:"requestContext"`
}

type eventContext struct {
	AccountID    string    `json:"accountId"`
	DomainName   string    `json:"domainName"`
	DomainPrefix string    `json:"domainPrefix"`
	HTTP         eventHTTP `json:"http"`
	RequestID    string    `json:"requestId"`
	Time         string    `json:"time"`
	TimeEpoch    string    `json:"timeEpoch"`
	TriggerID    string    `json:"triggerId,omitempty"`
}

type eventHTTP struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

// newHTTPEvent builds the event JSON of q for account's function.
func newHTTPEvent(q *webRequest, account, requestID, triggerID string) []byte {
	host := hostOnly(q.host)
	prefix, _, _ := strings.Cut(host, ".")
	ev := httpEvent{Version: "v1", RawPath: q.rawPath, Headers: joinValues(q.header), QueryParameters: joinValues(q.query),
		RequestContext: eventContext{AccountID: account, DomainName: host, DomainPrefix: prefix, RequestID: requestID,
			Time: q.received.UTC().Format(timeFormat), TimeEpoch: strconv.FormatInt(q.received.UnixMilli(), 10), TriggerID: triggerID,
			HTTP: eventHTTP{Method: q.method, Path: q.path(), Protocol: q.proto, SourceIP: q.remoteIP, UserAgent: q.header.Get("User-Agent")}}}
	if isTextBody(q.header.Get("Content-Type"), q.body) {
		ev.Body = string(q.body)
	} else {
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(q.body), true
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(&ev) // strings and string maps always encode
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// joinValues flattens repeated values with ',' (FC's form).
func joinValues[M ~map[string][]string](m M) map[string]string {
	out := make(map[string]string, len(m))
	for k, vs := range m {
		out[k] = strings.Join(vs, ",")
	}
	return out
}

// isTextBody says whether a body can travel as a JSON string unchanged: it
// is valid UTF-8 and its content type, if any, is textual.
func isTextBody(contentType string, body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded",
		"application/graphql", "application/x-ndjson":
		return true
	}
	return false
}

// hostOnly is a Host header without its port, lower-cased, without a
// trailing dot.
func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}
