package api

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

// The JWT whitelist is matched on the decoded, unnormalised path: a request
// for /public/%2e%2e/admin skips verification (it "is under /public/") while
// the function is handed path "/public/../admin", which any server or
// handler that resolves dot segments serves as /admin.
func TestJWTListsMatchTheResolvedPath(t *testing.T) {
	f := newWebFixture(t)
	rsaKey, _, _ := testKeys(t)
	f.createFunction("jw", "nodejs20")
	auth := jwksText(t, []fc.JWK{rsaJWK(rsaKey, "RS256", "k1")}, map[string]any{
		"tokenLookup": "header:Authorization:Bearer", "whitelist": []string{"/public/*"}})
	f.mustTrigger("jw", "web", "", map[string]any{"authType": "jwt", "methods": []string{"GET"}, "authConfig": auth})

	if res := f.send("GET", "/yun/http/1001/jw/LATEST/admin", nil, nil); res.status != 401 {
		t.Fatalf("/admin without a token: %d, want 401", res.status)
	}
	// Raw request so that no client cleans the path.
	nc, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	io.WriteString(nc, "GET /yun/http/1001/jw/LATEST/public/%2e%2e/admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	res := &webResult{status: resp.StatusCode, header: resp.Header, body: b}
	if res.status != 401 {
		ev := res.event(t)
		t.Errorf("no token, status %d: the function ran with path %q (rawPath %q)", res.status, ev.RequestContext.HTTP.Path, ev.RawPath)
	}
}

// TestJWTListsResolveDotSegments: a blacklist cannot be skipped by dot
// segments or repeated slashes either, and a trailing slash is kept.
func TestJWTListsResolveDotSegments(t *testing.T) {
	black := &jwtAuth{blacklist: []string{"/admin/*", "/exact/"}}
	white := &jwtAuth{whitelist: []string{"/public/*"}}
	for _, tc := range []struct {
		a    *jwtAuth
		path string
		want bool // a token is needed
	}{
		{black, "/admin/x", true},
		{black, "//admin/x", true},
		{black, "/x/../admin/x", true},
		{black, "/admin/./x", true},
		{black, "/exact/", true},
		{black, "/exact", false},
		{black, "/other", false},
		{white, "/public/x", false},
		{white, "/public/../admin", true},
		{white, "/public//x", false},
		{white, "/admin", true},
	} {
		if got := tc.a.applies(tc.path); got != tc.want {
			t.Errorf("applies(%q) with black %v white %v = %v, want %v", tc.path, tc.a.blacklist, tc.a.whitelist, got, tc.want)
		}
	}
}
