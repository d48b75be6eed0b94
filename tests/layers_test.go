package tests

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// TestLayers: layer versions are published, listed, shared publicly and
// checked when a function lists them.
func TestLayers(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	create := func(c *client.Client, name string, runtimes ...string) fc.Layer {
		t.Helper()
		var l fc.Layer
		in := fc.CreateLayerVersionInput{Code: &fc.InputCodeLocation{ZipFile: zipDir(t, "tests/testdata/layers/greet")}, CompatibleRuntime: runtimes}
		if err := c.Do(ctx, client.Op{Action: "CreateLayerVersion", Method: "POST", Path: "/layers/" + name + "/versions"}, in, &l); err != nil {
			t.Fatalf("create layer %s: %v", name, err)
		}
		return l
	}
	v1 := create(c, "greet", "nodejs20")
	v2 := create(c, "greet", "nodejs20", "python3.11")
	if v1.Version != 1 || v2.Version != 2 || v2.LayerVersionArn == "" || v2.CodeChecksum == "" || v2.Code.Location == "" {
		t.Fatalf("layer versions: got %+v and %+v", v1, v2)
	}
	var byArn fc.Layer
	if err := c.Do(ctx, client.Op{Action: "GetLayerVersionByArn", Method: "GET", Path: "/layerarn/" + client.PathEscape(v2.LayerVersionArn)}, nil, &byArn); err != nil || byArn.Version != 2 {
		t.Fatalf("GetLayerVersionByArn: got %+v, %v", byArn, err)
	}
	var versions fc.ListLayerVersionOutput
	if err := c.Do(ctx, client.Op{Action: "ListLayerVersions", Method: "GET", Path: "/layers/greet/versions",
		Query: url.Values{"limit": {"1"}}}, nil, &versions); err != nil || len(versions.Layers) != 1 || versions.NextVersion != 2 {
		t.Fatalf("ListLayerVersions limit 1: got %+v, %v; want version 1 and nextVersion 2", versions, err)
	}
	var layers fc.ListLayersOutput
	if err := c.Do(ctx, client.Op{Action: "ListLayers", Method: "GET", Path: "/layers"}, nil, &layers); err != nil ||
		len(layers.Layers) != 1 || layers.Layers[0].Version != 2 {
		t.Fatalf("ListLayers: got %+v, %v; want greet at its newest version", layers, err)
	}

	in := fn("uses-layer", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-layer"))
	in.Layers = []string{v2.LayerVersionArn}
	f, err := c.CreateFunction(ctx, in)
	if err != nil || len(f.Layers) != 1 || f.Layers[0].Arn != v2.LayerVersionArn || f.Layers[0].Size != v2.CodeSize {
		t.Fatalf("create with a layer: got %+v, %v", f, err)
	}
	bad := fn("bad-layer", "python3.11", "index.handler", zipDir(t, "examples/hello-python"))
	bad.Layers = []string{v1.LayerVersionArn}
	_, err = c.CreateFunction(ctx, bad)
	assertAPIError(t, err, 400, "InvalidArgument", "not compatible")
	bad.Layers = []string{"acs:fc:cn-yun:1:layers/nope/versions/1"}
	_, err = c.CreateFunction(ctx, bad)
	assertAPIError(t, err, 404, "LayerNotFound", "nope")

	other, _ := newAccount(t, n, "other", store.Limits{})
	err = other.Do(ctx, client.Op{Action: "GetLayerVersionByArn", Method: "GET", Path: "/layerarn/" + client.PathEscape(v2.LayerVersionArn)}, nil, nil)
	assertAPIError(t, err, 404, "LayerNotFound", "greet")
	if err := c.Do(ctx, client.Op{Action: "PutLayerACL", Method: "PUT", Path: "/layers/greet/acl", Query: url.Values{"public": {"true"}}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := other.Do(ctx, client.Op{Action: "GetLayerVersionByArn", Method: "GET", Path: "/layerarn/" + client.PathEscape(v2.LayerVersionArn)}, nil, nil); err != nil {
		t.Errorf("a public layer from another account: %v", err)
	}

	// The layer's content is under /opt: Node.js and Python find its
	// libraries there, as on FC.
	py := fn("uses-layer-py", "python3.11", "index.handler", zipDir(t, "tests/testdata/functions/python-layer"))
	py.Layers = []string{v2.LayerVersionArn}
	if _, err := c.CreateFunction(ctx, py); err != nil {
		t.Fatal(err)
	}
	greets := func(step string) {
		t.Helper()
		for name, want := range map[string]string{"uses-layer": "Greetings, node, from a layer!", "uses-layer-py": "Greetings, python, from a layer!"} {
			res, err := c.Invoke(ctx, name, client.InvokeOptions{})
			if err != nil {
				t.Errorf("%s: invoke %s: %v", step, name, err)
			} else if res.ErrorType != "" || !strings.Contains(string(res.Body), want) {
				t.Errorf("%s: %s answered %q (error type %q); want %q", step, name, res.Body, res.ErrorType, want)
			}
		}
	}
	greets("with the layer")
	// A deleted layer version stays with the functions that list it: a new
	// instance (after a configuration change) still gets its content.
	if err := c.Do(ctx, client.Op{Action: "DeleteLayerVersion", Method: "DELETE", Path: "/layers/greet/versions/2"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"uses-layer", "uses-layer-py"} {
		if _, err := c.UpdateFunction(ctx, name, &fc.FunctionInput{EnvironmentVariables: map[string]string{"AFTER": "delete"}}); err != nil {
			t.Fatal(err)
		}
	}
	greets("after the layer version was deleted")

	if err := c.Do(ctx, client.Op{Action: "DeleteLayerVersion", Method: "DELETE", Path: "/layers/greet/versions/1"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	err = c.Do(ctx, client.Op{Action: "GetLayerVersion", Method: "GET", Path: "/layers/greet/versions/1"}, nil, nil)
	assertAPIError(t, err, 404, "LayerNotFound", "greet")
}
