package api

import (
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

func TestRewrite(t *testing.T) {
	rw, err := newRewriter(&fc.RewriteConfig{
		EqualRules:    []fc.RewriteRule{{Match: "/old", Replacement: "/new"}},
		WildcardRules: []fc.RewriteRule{{Match: "/api/*", Replacement: "/$1"}, {Match: "/p/*/x/*", Replacement: "/$2/$1.html"}},
		RegexRules:    []fc.RewriteRule{{Match: `^/v1/(\w+)/(\d+)$`, Replacement: "/v2/$1?id=$2"}, {Match: `^/old`, Replacement: "/regex"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, want string
		matched    bool
	}{
		{"/old", "/new", true},
		{"/api/users/7", "/users/7", true},
		{"/p/a/x/b", "/b/a.html", true},
		{"/v1/users/12", "/v2/users?id=12", true},
		{"/old/deeper", "/regex", true}, // not equal to /old: the regex rule gives the whole new path
		{"/other", "/other", false},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			got, ok := rw.rewrite(tc.path)
			if got != tc.want || ok != tc.matched {
				t.Errorf("got %q %v, want %q %v", got, ok, tc.want, tc.matched)
			}
		})
	}
	var none *rewriter
	if got, ok := none.rewrite("/x"); got != "/x" || ok {
		t.Errorf("nil rewriter: got %q %v, want the path unchanged", got, ok)
	}
}
