package acs3

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestWorkedExample reproduces fc3-api.md §5 byte for byte.
func TestWorkedExample(t *testing.T) {
	raw, err := os.ReadFile("testdata/worked-example.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := parseWorkedExample(t, string(raw))
	body := []byte(`{"key":"value"}`)
	req := newClientRequest(t, http.MethodPost, "http://127.0.0.1:9000/2023-03-30/functions/hello/invocations?qualifier=LATEST", body)
	sign(req, body, testAccessKeyID, testSecret, testDate, testNonce)

	canonical := messageOf(req).canonical(signableHeaders(req.Header), hashHex(body))
	checks := []struct{ name, got, want string }{
		{"CanonicalRequest", canonical, want["CanonicalRequest"]},
		{"StringToSign", stringToSign(canonical), want["StringToSign"]},
		{"Authorization", req.Header.Get("Authorization"), want["Authorization"]},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got\n%s\nwant\n%s", c.got, c.want)
			}
		})
	}
}

// parseWorkedExample splits the "--- Name ---" sections of the example.
func parseWorkedExample(t *testing.T, raw string) map[string]string {
	t.Helper()
	sections := map[string]string{}
	var name string
	var lines []string
	flush := func() {
		if name != "" {
			sections[name] = strings.Join(lines, "\n")
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\n"), "\n") {
		if strings.HasPrefix(line, "--- ") && strings.HasSuffix(line, " ---") {
			flush()
			name, lines = strings.Trim(line, "- "), nil
			continue
		}
		lines = append(lines, line)
	}
	flush()
	if len(sections) != 3 {
		t.Fatalf("worked example has %d sections, want 3", len(sections))
	}
	return sections
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct{ name, wire, want string }{
		{"none", "", ""},
		{"step 3: SDK leaves *! raw, signs them escaped", "nextToken=tok%2F%2B%3D%20*!", "nextToken=tok%2F%2B%3D%20%2A%21"},
		{"keys sorted byte-wise", "prefix=a&limit=10&Limit=5", "Limit=5&limit=10&prefix=a"},
		{"key without value", "flag&b=", "b=&flag="},
		{"space sent as plus", "q=a+b", "q=a%20b"},
		{"quotes and parentheses", "q='(x)'", "q=%27%28x%29%27"},
		{"unreserved kept", "q=A-z_0.9~", "q=A-z_0.9~"},
		{"JSON array parameter", `tags=%5B%7B%22Key%22%3A%22k%22%2C%22Value%22%3A%22v%22%7D%5D`,
			"tags=%5B%7B%22Key%22%3A%22k%22%2C%22Value%22%3A%22v%22%7D%5D"},
		{"UTF-8", "name=%E4%BA%91", "name=%E4%BA%91"},
		{"repeated key: every value, sorted", "a=2&a=1", "a=1&a=2"},
		{"key not encoded", "a%20b=c", "a b=c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.wire)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.wire, err)
			}
			if got := canonicalQuery(q); got != tt.want {
				t.Errorf("canonicalQuery(%q) = %q, want %q", tt.wire, got, tt.want)
			}
		})
	}
}

func TestCanonicalURI(t *testing.T) {
	tests := []struct{ name, wire, want string }{
		{"empty is root", "", "/"},
		{"step 23: special name stays as sent", "/2023-03-30/functions/a%20b%2Bc", "/2023-03-30/functions/a%20b%2Bc"},
		{"ARN in one segment", "/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fl1%2Fversions%2F1",
			"/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fl1%2Fversions%2F1"},
		{"no dot-segment or slash normalisation", "/a//b/./../c/", "/a//b/./../c/"},
		{"SDK substitutions", "/a+b*c%7Ed", "/a%20b%2Ac~d"},
		{"lower-case escapes left alone", "/a%2fb%7e", "/a%2fb%7e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canonicalURI(tt.wire); got != tt.want {
				t.Errorf("canonicalURI(%q) = %q, want %q", tt.wire, got, tt.want)
			}
		})
	}
}

// TestWirePath checks that the server side signs the path as received, even
// where net/http's URL would re-encode it.
func TestWirePath(t *testing.T) {
	tests := []struct{ name, target, want string }{
		{"plain", "/2023-03-30/functions/hello?qualifier=LATEST", "/2023-03-30/functions/hello"},
		{"special characters", "/2023-03-30/functions/a%20b%2Bc?qualifier=v%201", "/2023-03-30/functions/a%20b%2Bc"},
		{"escaped slash", "/2023-03-30/layerarn/acs%3Afc%3A1%3Alayers%2Fl%2Fversions%2F1", "/2023-03-30/layerarn/acs%3Afc%3A1%3Alayers%2Fl%2Fversions%2F1"},
		{"lower-case escape", "/f/%7e", "/f/%7e"},
		{"raw quote", `/f/"x"`, `/f/"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := fromWire(t, "GET "+tt.target+" HTTP/1.1\r\nHost: h\r\n\r\n")
			if got := wirePath(r); got != tt.want {
				t.Errorf("wirePath(%q) = %q, want %q", tt.target, got, tt.want)
			}
		})
	}
}
