package api

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
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

// TestDomainTableHammer: lookups race with domain writes; none fails, and
// once the writes stop the table holds the last write, never a load that
// raced with an invalidation.
func TestDomainTableHammer(t *testing.T) {
	tbl := newDomainTable()
	var version atomic.Int64
	load := func() (map[string]*domainEntry, error) {
		v := version.Load()
		return map[string]*domainEntry{"a.test": {name: strconv.FormatInt(v, 10)}}, nil
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 2000 {
				if e, err := tbl.lookup("a.test", load); err != nil || e == nil {
					t.Errorf("lookup: got %v %v, want an entry", e, err)
					return
				}
			}
		})
	}
	for range 500 {
		version.Add(1)
		tbl.invalidate()
	}
	wg.Wait()
	e, _ := tbl.lookup("a.test", load)
	if want := strconv.FormatInt(version.Load(), 10); e.name != want {
		t.Errorf("after the writes: got version %s, want %s", e.name, want)
	}
}
