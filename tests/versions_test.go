package tests

import (
	"context"
	"net/url"
	"testing"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// TestVersionsAndAliases: published versions are immutable snapshots, the
// qualifier picks what runs, an alias splits traffic by weight, and a
// version an alias uses cannot be deleted.
func TestVersionsAndAliases(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	in := fn("ver", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-env"))
	in.EnvironmentVariables = map[string]string{"LABEL": "one"}
	if _, err := c.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	publish := func(desc string) fc.Version {
		t.Helper()
		var v fc.Version
		err := c.Do(ctx, client.Op{Action: "PublishFunctionVersion", Method: "POST", Path: "/functions/ver/versions"},
			fc.PublishVersionInput{Description: &desc}, &v)
		if err != nil {
			t.Fatalf("publish: %v", err)
		}
		return v
	}
	if v := publish("first"); v.VersionID != "1" || v.Description != "first" {
		t.Fatalf("first version: got %+v, want id 1", v)
	}
	if _, err := c.UpdateFunction(ctx, "ver", &fc.FunctionInput{EnvironmentVariables: map[string]string{"LABEL": "two"}}); err != nil {
		t.Fatal(err)
	}
	if v := publish("second"); v.VersionID != "2" {
		t.Fatalf("second version: got %+v, want id 2", v)
	}
	invoke := func(q string) (string, string) {
		t.Helper()
		res, err := c.Invoke(ctx, "ver", client.InvokeOptions{Qualifier: q})
		if err != nil {
			t.Fatalf("invoke %s: %v", q, err)
		}
		return string(res.Body), res.Header.Get("x-fc-invocation-service-version")
	}
	for _, tc := range []struct{ q, body, version string }{
		{"1", "one@1", "1"}, {"2", "two@2", "2"}, {"LATEST", "two@LATEST", "LATEST"}, {"", "two@LATEST", "LATEST"},
	} {
		if body, version := invoke(tc.q); body != tc.body || version != tc.version {
			t.Errorf("qualifier %q: got %q served by %q, want %q by %q", tc.q, body, version, tc.body, tc.version)
		}
	}

	var versions fc.ListVersionsOutput
	if err := c.Do(ctx, client.Op{Action: "ListFunctionVersions", Method: "GET", Path: "/functions/ver/versions",
		Query: url.Values{"limit": {"1"}}}, nil, &versions); err != nil {
		t.Fatal(err)
	}
	if len(versions.Versions) != 1 || versions.Versions[0].VersionID != "2" || versions.NextToken == "" || versions.Direction != "BACKWARD" {
		t.Errorf("ListFunctionVersions limit 1: got %+v, want version 2 first (BACKWARD) and a next token", versions)
	}

	weight := 0.25
	alias := fc.AliasInput{AliasName: ptr("prod"), VersionID: ptr("1"), AdditionalVersionWeight: map[string]float64{"2": weight}}
	if err := c.Do(ctx, client.Op{Action: "CreateAlias", Method: "POST", Path: "/functions/ver/aliases"}, alias, nil); err != nil {
		t.Fatalf("create alias: %v", err)
	}
	const calls = 400
	seen := map[string]int{}
	for range calls {
		body, _ := invoke("prod")
		seen[body]++
	}
	share := float64(seen["two@2"]) / calls
	if seen["one@1"]+seen["two@2"] != calls || share < 0.15 || share > 0.35 {
		t.Errorf("alias prod with %.0f%% on version 2: got %v (%.1f%% on 2), want about %.0f%% within ±10 points",
			weight*100, seen, share*100, weight*100)
	}

	err := c.Do(ctx, client.Op{Action: "DeleteFunctionVersion", Method: "DELETE", Path: "/functions/ver/versions/2"}, nil, nil)
	assertAPIError(t, err, 409, "VersionInUse", "prod")
	err = c.Do(ctx, client.Op{Action: "UpdateAlias", Method: "PUT", Path: "/functions/ver/aliases/prod"},
		fc.AliasInput{VersionID: ptr("9")}, nil)
	assertAPIError(t, err, 404, "VersionNotFound", "9")
	if err := c.Do(ctx, client.Op{Action: "UpdateAlias", Method: "PUT", Path: "/functions/ver/aliases/prod"},
		fc.AliasInput{VersionID: ptr("2"), AdditionalVersionWeight: map[string]float64{}}, nil); err != nil {
		t.Fatalf("move alias to 2: %v", err)
	}
	if body, version := invoke("prod"); body != "two@2" || version != "2" {
		t.Errorf("after moving the alias: got %q by %q, want two@2 by 2", body, version)
	}
	if err := c.Do(ctx, client.Op{Action: "DeleteFunctionVersion", Method: "DELETE", Path: "/functions/ver/versions/1"}, nil, nil); err != nil {
		t.Errorf("deleting an unused version: %v", err)
	}
	_, err = c.Invoke(ctx, "ver", client.InvokeOptions{Qualifier: "1"})
	assertAPIError(t, err, 404, "VersionNotFound", "1")
	_, err = c.Invoke(ctx, "ver", client.InvokeOptions{Qualifier: "staging"})
	assertAPIError(t, err, 404, "AliasNotFound", "staging")
	if v := publish("third"); v.VersionID != "3" {
		t.Errorf("after deleting version 1: got id %s, want 3 (ids are never reused)", v.VersionID)
	}
	if err := c.DeleteFunction(ctx, "ver"); err != nil {
		t.Fatalf("delete a function with versions and aliases: %v", err)
	}
	if _, err := c.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	if v := publish("fresh"); v.VersionID != "1" {
		t.Errorf("a re-created function: got version %s, want 1 (nothing left of the old one)", v.VersionID)
	}
}
