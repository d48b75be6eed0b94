package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

func TestCustomDomainOperations(t *testing.T) {
	f := newWebFixture(t)
	f.createFunction("shop", "nodejs20")
	routes := map[string]any{"routes": []map[string]any{
		{"path": "/api/*", "functionName": "shop", "methods": []string{"GET"},
			"rewriteConfig": map[string]any{"wildcardRules": []map[string]string{{"match": "/api/*", "replacement": "/$1"}}}},
	}}
	var d fc.CustomDomain
	err := f.do("POST", "/custom-domains", map[string]any{"domainName": "Shop.Example.Test", "routeConfig": routes,
		"certConfig": map[string]string{"certName": "c", "certificate": "PEM", "privateKey": "SECRET"}}, &d)
	if err != nil {
		t.Fatal(err)
	}
	if d.DomainName != "shop.example.test" || d.AccountID != "1001" || d.Protocol != "HTTP" || d.APIVersion != "2023-03-30" ||
		d.CertConfig == nil || d.CertConfig.PrivateKey != "" || d.CreatedTime == "" {
		t.Errorf("got %+v, want the lower-cased name, account, defaults and no private key", d)
	}

	t.Run("routes by Host", func(t *testing.T) {
		res := f.send("GET", "/api/items/7?x=1", nil, func(r *http.Request) { r.Host = "shop.example.test:8080" })
		if ev := res.event(t); res.status != 200 || ev.RawPath != "/items/7" || ev.QueryParameters["x"] != "1" || ev.RequestContext.DomainName != "shop.example.test" {
			t.Errorf("got %d %+v, want the rewritten path and the query", res.status, ev)
		}
		for _, c := range []struct {
			method, path string
			status       int
			code         string
		}{{"POST", "/api/items", 405, "MethodNotAllowed"}, {"GET", "/other", 404, "RouteNotFound"}} {
			res := f.send(c.method, c.path, nil, func(r *http.Request) { r.Host = "shop.example.test" })
			if e := res.fcError(t); res.status != c.status || e.Code != c.code {
				t.Errorf("%s %s: got %d %+v, want %d %s", c.method, c.path, res.status, e, c.status, c.code)
			}
		}
	})

	t.Run("API paths are never a domain's", func(t *testing.T) {
		res := f.send("GET", "/2023-03-30/functions", nil, func(r *http.Request) { r.Host = "shop.example.test" })
		if e := res.fcError(t); res.status != 400 || e.Code != "MissingRequiredHeader" {
			t.Errorf("got %d %+v, want the API's answer to an unsigned call", res.status, e)
		}
	})

	t.Run("errors", func(t *testing.T) {
		other := client.New(f.url, "AKWEB2", "secret-2")
		op := client.Op{Action: "CreateCustomDomain", Method: "POST", Path: "/custom-domains"}
		err := other.Do(context.Background(), op, map[string]any{"domainName": "shop.example.test"}, nil)
		if ce := apiError(t, err); ce.Status != 409 || ce.Code != "DomainNameAlreadyExists" {
			t.Errorf("another account taking the name: got %v, want 409 DomainNameAlreadyExists", err)
		}
		cases := []struct {
			name string
			in   map[string]any
			msg  string
		}{
			{"the API's own host", map[string]any{"domainName": "api.yun.test"}, "API itself"},
			{"not a host name", map[string]any{"domainName": "no_underscores.test"}, "domainName"},
			{"bad protocol", map[string]any{"domainName": "a.example.test", "protocol": "FTP"}, "protocol"},
			{"bad route path", map[string]any{"domainName": "a.example.test", "routeConfig": map[string]any{"routes": []map[string]any{{"path": "api", "functionName": "shop"}}}}, "path"},
			{"bad regex", map[string]any{"domainName": "a.example.test", "routeConfig": map[string]any{"routes": []map[string]any{{"path": "/*", "functionName": "shop",
				"rewriteConfig": map[string]any{"regexRules": []map[string]string{{"match": "(", "replacement": "/"}}}}}}}, "compile"},
			{"jwt without authInfo", map[string]any{"domainName": "a.example.test", "authConfig": map[string]string{"authType": "jwt"}}, "authInfo"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				err := f.do("POST", "/custom-domains", tc.in, nil)
				if ce := apiError(t, err); ce.Status != 400 || ce.Code != "InvalidArgument" || !strings.Contains(ce.Message, tc.msg) {
					t.Errorf("got %v, want 400 InvalidArgument mentioning %q", err, tc.msg)
				}
			})
		}
	})

	t.Run("list, update, delete", func(t *testing.T) {
		for _, n := range []string{"b.example.test", "c.example.test"} {
			if err := f.do("POST", "/custom-domains", map[string]any{"domainName": n}, nil); err != nil {
				t.Fatal(err)
			}
		}
		var p1, p2 fc.ListCustomDomainOutput
		if err := f.do("GET", "/custom-domains?limit=2", nil, &p1); err != nil {
			t.Fatal(err)
		}
		if err := f.do("GET", "/custom-domains?limit=2&nextToken="+p1.NextToken, nil, &p2); err != nil {
			t.Fatal(err)
		}
		if got := domainNames(p1.CustomDomains) + "|" + domainNames(p2.CustomDomains); got != "b.example.test,c.example.test|shop.example.test" {
			t.Errorf("got pages %s, want b,c|shop", got)
		}
		newRoutes := map[string]any{"routes": []map[string]any{{"path": "/*", "functionName": "shop"}}}
		if err := f.do("PUT", "/custom-domains/shop.example.test", map[string]any{"routeConfig": newRoutes}, nil); err != nil {
			t.Fatal(err)
		}
		if res := f.send("POST", "/anything", nil, func(r *http.Request) { r.Host = "shop.example.test" }); res.status != 200 || res.event(t).RawPath != "/anything" {
			t.Errorf("after update: got %d %s, want the new catch-all route", res.status, res.body)
		}
		if err := f.do("DELETE", "/custom-domains/shop.example.test", nil, nil); err != nil {
			t.Fatal(err)
		}
		if res := f.send("GET", "/api/items", nil, func(r *http.Request) { r.Host = "shop.example.test" }); res.status != 400 || res.fcError(t).Code != "PathNotSupported" {
			t.Errorf("after delete: got %d %s, want the API's PathNotSupported", res.status, res.body)
		}
		err := f.do("GET", "/custom-domains/shop.example.test", nil, nil)
		if ce := apiError(t, err); ce.Status != 404 || ce.Code != "DomainNameNotFound" {
			t.Errorf("get after delete: got %v, want 404 DomainNameNotFound", err)
		}
	})
}

func domainNames(ds []*fc.CustomDomain) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.DomainName
	}
	return strings.Join(out, ",")
}
