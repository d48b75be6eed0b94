package api

import (
	"net/http"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

func TestDomainRouteMatch(t *testing.T) {
	s := &Server{}
	d := &fc.CustomDomain{DomainName: "api.example.com", RouteConfig: &fc.RouteConfig{Routes: []fc.PathConfig{
		{Path: "/*", FunctionName: "root"},
		{Path: "/api/*", FunctionName: "api"},
		{Path: "/api/v2/*", FunctionName: "v2", Qualifier: "prod"},
		{Path: "/login", FunctionName: "login"},
	}}}
	e, err := s.compileDomain("1", d)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, function, qualifier string }{
		{"/login", "login", "LATEST"},
		{"/login/x", "root", "LATEST"},
		{"/api/users", "api", "LATEST"},
		{"/api/v2/users", "v2", "prod"},
		{"/api", "root", "LATEST"},
		{"/", "root", "LATEST"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			rt, err := e.match(tc.path)
			if err != nil || rt.function != tc.function || rt.qualifier != tc.qualifier {
				t.Errorf("got %+v %v, want %s %s", rt, err, tc.function, tc.qualifier)
			}
		})
	}
	only, _ := s.compileDomain("1", &fc.CustomDomain{DomainName: "b.example.com",
		RouteConfig: &fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/a", FunctionName: "a"}}}})
	if _, err := only.match("/b"); err == nil {
		t.Error("got a route for /b, want RouteNotFound")
	} else if e, _ := fc.AsError(err); e.Status != http.StatusNotFound {
		t.Errorf("got %v, want 404", err)
	}
}
