package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHTTPEvent(t *testing.T) {
	at := time.Date(2023, 9, 5, 6, 41, 11, 895e6, time.UTC)
	cases := []struct {
		name        string
		contentType string
		body        string
		wantBody    string
		wantBase64  bool
	}{
		{"json text", "application/json", `{"a":"<b>"}`, `{"a":"<b>"}`, false},
		{"no content type, UTF-8", "", "héllo", "héllo", false},
		{"vendor +json", "application/vnd.api+json", "{}", "{}", false},
		{"binary type", "application/octet-stream", "abc", "YWJj", true},
		{"text type with invalid UTF-8", "text/plain", "\xff\xfe", "//4=", true},
		{"image", "image/png", "\x89PNG", "iVBORw==", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://fn.example.com:9000/yun/http/1/f/LATEST/a%2Fb/c?x=1&x=2&y=", strings.NewReader(tc.body))
			r.RemoteAddr = "10.0.0.7:5555"
			r.Header.Set("Content-Type", tc.contentType)
			r.Header.Add("X-Multi", "v1")
			r.Header.Add("X-Multi", "v2")
			r.Header.Set("User-Agent", "test/1")
			r.Header.Set("X-Fc-Spoof", "platform only")
			r.Header.Set("Connection", "keep-alive, X-Hop")
			r.Header.Set("X-Hop", "gone")
			q := newWebRequest(r, "/a%2Fb/c", []byte(tc.body), at)
			var ev httpEvent
			if err := json.Unmarshal(newHTTPEvent(q, "1234", "1-abc", "tid"), &ev); err != nil {
				t.Fatal(err)
			}
			checks := []struct{ what, got, want string }{
				{"version", ev.Version, "v1"},
				{"rawPath", ev.RawPath, "/a%2Fb/c"},
				{"http.path", ev.RequestContext.HTTP.Path, "/a/b/c"},
				{"body", ev.Body, tc.wantBody},
				{"X-Multi", ev.Headers["X-Multi"], "v1,v2"},
				{"X-Fc-Spoof", ev.Headers["X-Fc-Spoof"], ""},
				{"Connection", ev.Headers["Connection"], ""},
				{"X-Hop", ev.Headers["X-Hop"], ""},
				{"Host", ev.Headers["Host"], "fn.example.com:9000"},
				{"query x", ev.QueryParameters["x"], "1,2"},
				{"domainName", ev.RequestContext.DomainName, "fn.example.com"},
				{"domainPrefix", ev.RequestContext.DomainPrefix, "fn"},
				{"method", ev.RequestContext.HTTP.Method, "POST"},
				{"sourceIp", ev.RequestContext.HTTP.SourceIP, "10.0.0.7"},
				{"userAgent", ev.RequestContext.HTTP.UserAgent, "test/1"},
				{"requestId", ev.RequestContext.RequestID, "1-abc"},
				{"accountId", ev.RequestContext.AccountID, "1234"},
				{"time", ev.RequestContext.Time, "2023-09-05T06:41:11Z"},
				{"timeEpoch", ev.RequestContext.TimeEpoch, "1693896071895"},
				{"triggerId", ev.RequestContext.TriggerID, "tid"},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
				}
			}
			if _, ok := ev.QueryParameters["y"]; !ok || ev.IsBase64Encoded != tc.wantBase64 {
				t.Errorf("got query %v base64 %v, want y present and base64 %v", ev.QueryParameters, ev.IsBase64Encoded, tc.wantBase64)
			}
		})
	}
}
