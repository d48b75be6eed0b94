package fc

import (
	"strings"
	"testing"
)

func TestValidDomainName(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{{"api.example.com", true}, {"a-1.b.test", true}, {"localhost", false}, {"127.0.0.1", false}, {"API.example.com", false},
		{"a_b.example.com", false}, {"-a.example.com", false}, {"*.example.com", false}, {strings.Repeat("a", 64) + ".com", false}} {
		if err := ValidDomainName(c.name); (err == nil) != c.ok {
			t.Errorf("ValidDomainName(%q): got %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestApplyAndValidateDomain(t *testing.T) {
	name := "Api.Example.com."
	in := &CustomDomainInput{DomainName: &name, RouteConfig: &RouteConfig{Routes: []PathConfig{{Path: "/api/*", FunctionName: "f", Methods: []string{"get"}}}}}
	var d CustomDomain
	if err := ApplyDomain(&d, in, true); err != nil {
		t.Fatal(err)
	}
	if err := ValidateDomain(&d); err != nil {
		t.Fatal(err)
	}
	if d.DomainName != "api.example.com" || d.Protocol != "HTTP" || d.RouteConfig.Routes[0].Methods[0] != "GET" {
		t.Errorf("got %+v, want the name normalised, HTTP and upper-case methods", d)
	}
	if err := ApplyDomain(&d, &CustomDomainInput{DomainName: &name}, false); err == nil {
		t.Error("renaming on update: got no error, want one")
	}
	cases := []struct {
		name  string
		route PathConfig
		want  string
	}{
		{"relative path", PathConfig{Path: "api", FunctionName: "f"}, "path"},
		{"wildcard inside", PathConfig{Path: "/a/*/b", FunctionName: "f"}, "path"},
		{"bad function", PathConfig{Path: "/", FunctionName: "1f"}, "functionName"},
		{"bad qualifier", PathConfig{Path: "/", FunctionName: "f", Qualifier: "a.b"}, "qualifier"},
		{"bad method", PathConfig{Path: "/", FunctionName: "f", Methods: []string{"TRACE"}}, "TRACE"},
		{"empty rule", PathConfig{Path: "/", FunctionName: "f", RewriteConfig: &RewriteConfig{EqualRules: []RewriteRule{{}}}}, "without a match"},
		{"bad regex", PathConfig{Path: "/", FunctionName: "f", RewriteConfig: &RewriteConfig{RegexRules: []RewriteRule{{Match: "("}}}}, "compile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := CustomDomain{DomainName: "a.example.com", Protocol: "HTTP", RouteConfig: &RouteConfig{Routes: []PathConfig{tc.route}}}
			if err := ValidateDomain(&d); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}
