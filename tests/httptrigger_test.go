package tests

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/acs3"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// TestHTTPTriggers deploys real Node.js and Python functions behind HTTP
// triggers and calls them with a plain net/http client: FC's event in, the
// function's {statusCode, headers, body} out, methods, CORS, binary bodies,
// the three auth types and a custom domain.
func TestHTTPTriggers(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	for _, f := range []struct{ name, runtime, dir string }{
		{"web-node", "nodejs20", "tests/testdata/functions/http-echo-node"},
		{"web-python", "python3.10", "tests/testdata/functions/http-echo-python"},
	} {
		if _, err := c.CreateFunction(ctx, fn(f.name, f.runtime, "index.handler", zipDir(t, f.dir))); err != nil {
			t.Fatalf("create %s: %v", f.name, err)
		}
	}
	anon := `{"authType":"anonymous","methods":["GET","POST"],"corsConfig":{"allowOrigins":["https://app.example"],"maxAge":300}}`
	nodeURL := createHTTPTrigger(t, c, "web-node", "web", "", anon)
	pyURL := createHTTPTrigger(t, c, "web-python", "web", "", anon)

	t.Run("Node.js event and response", func(t *testing.T) {
		res := httpCall(t, "POST", nodeURL+"/orders/a%20b?x=1&x=2", []byte(`{"n":1}`), map[string]string{"Content-Type": "application/json"})
		var seen map[string]any
		res.json(t, &seen)
		if res.status != 201 || res.header.Get("X-Echo") != "node" || res.header.Get("X-Fc-Forbidden") != "" {
			t.Errorf("got %d %v, want 201 with X-Echo and without the function's x-fc-* header", res.status, res.header)
		}
		want := map[string]any{"method": "POST", "rawPath": "/orders/a%20b", "path": "/orders/a b", "body": `{"n":1}`,
			"isBase64Encoded": false, "requestId": res.header.Get("x-fc-request-id")}
		for k, v := range want {
			if seen[k] != v {
				t.Errorf("%s: got %v, want %v", k, seen[k], v)
			}
		}
		if q, _ := seen["query"].(map[string]any); q["x"] != "1,2" {
			t.Errorf("query: got %v, want x=1,2", seen["query"])
		}
	})

	t.Run("Python event and response", func(t *testing.T) {
		res := httpCall(t, "GET", pyURL+"/py?lang=go", nil, nil)
		var seen map[string]any
		res.json(t, &seen)
		if res.status != 202 || res.header.Get("X-Echo") != "python" || seen["path"] != "/py" || seen["requestId"] != res.header.Get("x-fc-request-id") {
			t.Errorf("got %d %v %v, want 202 from Python with the path and request id", res.status, res.header, seen)
		}
	})

	t.Run("binary body round trip", func(t *testing.T) {
		body := make([]byte, 256*4)
		for i := range body {
			body[i] = byte(i)
		}
		res := httpCall(t, "POST", nodeURL+"/binary", body, map[string]string{"Content-Type": "application/octet-stream"})
		if res.status != 200 || !bytes.Equal(res.body, body) || res.header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("got %d %q (%d bytes), want the same %d bytes back", res.status, res.header.Get("Content-Type"), len(res.body), len(body))
		}
	})

	t.Run("a plain return value is a 200 body", func(t *testing.T) {
		if res := httpCall(t, "GET", nodeURL+"/plain", nil, nil); res.status != 200 || string(res.body) != "plain GET" {
			t.Errorf("got %d %q, want 200 plain GET", res.status, res.body)
		}
	})

	t.Run("methods and CORS", func(t *testing.T) {
		res := httpCall(t, "DELETE", nodeURL+"/", nil, nil)
		if res.status != 405 || res.fcCode(t) != "MethodNotAllowed" {
			t.Errorf("DELETE: got %d %s, want 405 MethodNotAllowed", res.status, res.body)
		}
		res = httpCall(t, "OPTIONS", nodeURL+"/", nil, map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
		if res.status != 204 || res.header.Get("Access-Control-Allow-Origin") != "https://app.example" || res.header.Get("Access-Control-Max-Age") != "300" {
			t.Errorf("preflight: got %d %v, want 204 with the allowances", res.status, res.header)
		}
		res = httpCall(t, "GET", nodeURL+"/", nil, map[string]string{"Origin": "https://app.example"})
		if res.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
			t.Errorf("real response: got %v, want Access-Control-Allow-Origin", res.header)
		}
	})

	t.Run("async", func(t *testing.T) {
		res := httpCall(t, "POST", nodeURL+"/job", []byte("later"), map[string]string{"X-Fc-Invocation-Type": "Async"})
		task := res.header.Get("X-Fc-Async-Task-Id")
		if res.status != 202 || task == "" {
			t.Fatalf("got %d %v %s, want 202 with a task id", res.status, res.header, res.body)
		}
		var got fc.AsyncTask
		op := client.Op{Action: "GetAsyncTask", Method: "GET", Path: "/functions/web-node/async-tasks/" + task}
		for deadline := time.Now().Add(60 * time.Second); got.Status != fc.AsyncSucceeded && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if err := c.Do(ctx, op, nil, &got); err != nil && !client.IsCode(err, fc.CodeAsyncTaskNotFound) {
				t.Fatal(err)
			}
		}
		if got.Status != fc.AsyncSucceeded || !strings.Contains(got.ReturnPayload, `\"path\":\"/job\"`) {
			t.Errorf("got task %+v, want it Succeeded with the function's answer to /job", got)
		}
	})
	t.Run("function auth", func(t *testing.T) { testFunctionAuth(t, c) })
	t.Run("jwt auth", func(t *testing.T) { testJWTAuth(t, c) })
	t.Run("custom domain", func(t *testing.T) { testCustomDomain(t, n, c) })

	t.Run("custom runtimes answer directly, synchronously", func(t *testing.T) {
		// The request is passed through (stream_test.go has the details);
		// hello-custom answers anything but POST /invoke with an empty 200.
		in := fn("web-custom", "custom.debian12", "index.handler", zipDir(t, "examples/hello-custom"))
		in.Timeout = ptr(30) // a cold start on a busy machine must not hit the queue bound
		if _, err := c.CreateFunction(ctx, in); err != nil {
			t.Fatal(err)
		}
		u := createHTTPTrigger(t, c, "web-custom", "web", "", anon)
		if res := httpCall(t, "GET", u+"/", nil, nil); res.status != 200 || len(res.body) != 0 || res.header.Get("X-Fc-Error-Type") != "" {
			t.Errorf("got %d %v %q, want the server's empty 200", res.status, res.header, res.body)
		}
		async := map[string]string{"X-Fc-Invocation-Type": "Async"}
		if res := httpCall(t, "GET", u+"/", nil, async); res.status != 501 || res.fcCode(t) != "OperationNotSupported" {
			t.Errorf("async: got %d %s, want 501 OperationNotSupported", res.status, res.body)
		}
	})
}

func testFunctionAuth(t *testing.T, c *client.Client) {
	u := createHTTPTrigger(t, c, "web-node", "signed", "1", `{"authType":"function","methods":["POST"]}`)
	body := []byte("signed body")
	sign := func(secret string) func(*http.Request) {
		return func(r *http.Request) { acs3.Sign(r, body, testAK, secret, time.Now()) }
	}
	for _, tc := range []struct {
		name    string
		prepare func(*http.Request)
		status  int
	}{{"signed", sign(testSecret), 201}, {"unsigned", nil, 403}, {"bad signature", sign("wrong-secret"), 403}} {
		res := httpCallWith(t, "POST", u+"/x", body, tc.prepare)
		if res.status != tc.status {
			t.Errorf("%s: got %d %s, want %d", tc.name, res.status, res.body, tc.status)
		}
	}
}

func testJWTAuth(t *testing.T, c *client.Client) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := map[string]string{"kty": "RSA", "alg": "RS256", "kid": "k1", "use": "sig",
		"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())}
	auth, _ := json.Marshal(map[string]any{"jwks": map[string]any{"keys": []any{jwk}},
		"tokenLookup": "header:Authorization:Bearer", "claimPassBy": "header:sub:X-User"})
	cfg, _ := json.Marshal(map[string]any{"authType": "jwt", "methods": []string{"GET"}, "authConfig": string(auth)})
	u := createHTTPTrigger(t, c, "web-python", "jwt", "1", string(cfg))
	token := func(k *rsa.PrivateKey, exp time.Time) string {
		h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1"})
		p, _ := json.Marshal(map[string]any{"sub": "alice", "exp": exp.Unix()})
		in := b64(h) + "." + b64(p)
		sum := sha256.Sum256([]byte(in))
		sig, _ := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		return in + "." + b64(sig)
	}
	res := httpCall(t, "GET", u+"/me", nil, map[string]string{"Authorization": "Bearer " + token(key, time.Now().Add(time.Hour))})
	if res.status != 202 {
		t.Fatalf("valid token: got %d %s, want 202", res.status, res.body)
	}
	for _, tc := range []struct{ name, token, msg string }{
		{"expired", token(key, time.Now().Add(-time.Hour)), "expired"},
		{"bad signature", token(other, time.Now().Add(time.Hour)), "signature"},
	} {
		res := httpCall(t, "GET", u+"/me", nil, map[string]string{"Authorization": "Bearer " + tc.token})
		if res.status != 401 || res.fcCode(t) != "Unauthorized" || !strings.Contains(string(res.body), tc.msg) {
			t.Errorf("%s: got %d %s, want 401 Unauthorized mentioning %q", tc.name, res.status, res.body, tc.msg)
		}
	}
	// The claim reaches the function as a header: the Node echo shows headers.
	nodeURL := createHTTPTrigger(t, c, "web-node", "jwt", "2", string(cfg))
	res = httpCall(t, "GET", nodeURL+"/me", nil, map[string]string{"Authorization": "Bearer " + token(key, time.Now().Add(time.Hour)), "X-User": "mallory"})
	var seen struct{ Headers map[string]string }
	res.json(t, &seen)
	if seen.Headers["X-User"] != "alice" {
		t.Errorf("claim header: got %q, want alice (the token's sub, not the client's)", seen.Headers["X-User"])
	}
}

func testCustomDomain(t *testing.T, n *node, c *client.Client) {
	in := map[string]any{"domainName": "shop.e2e.test", "routeConfig": map[string]any{"routes": []map[string]any{
		{"path": "/api/*", "functionName": "web-node", "methods": []string{"GET"},
			"rewriteConfig": map[string]any{"wildcardRules": []map[string]string{{"match": "/api/*", "replacement": "/v1/$1"}}}},
		{"path": "/py", "functionName": "web-python"},
	}}}
	op := client.Op{Action: "CreateCustomDomain", Method: "POST", Path: "/custom-domains"}
	if err := c.Do(context.Background(), op, in, nil); err != nil {
		t.Fatal(err)
	}
	host := func(r *http.Request) { r.Host = "shop.e2e.test" }
	res := httpCallWith(t, "GET", n.Endpoint+"/api/items?id=3", nil, host)
	var seen map[string]any
	res.json(t, &seen)
	if res.status != 201 || seen["path"] != "/v1/items" {
		t.Errorf("GET /api/items: got %d %v, want web-node to see /v1/items", res.status, seen)
	}
	if res := httpCallWith(t, "GET", n.Endpoint+"/py", nil, host); res.status != 202 {
		t.Errorf("GET /py: got %d %s, want web-python's 202", res.status, res.body)
	}
	if res := httpCallWith(t, "POST", n.Endpoint+"/api/items", nil, host); res.status != 405 {
		t.Errorf("POST /api/items: got %d, want 405", res.status)
	}
	if res := httpCallWith(t, "GET", n.Endpoint+"/nothing", nil, host); res.status != 404 || res.fcCode(t) != "RouteNotFound" {
		t.Errorf("GET /nothing: got %d %s, want 404 RouteNotFound", res.status, res.body)
	}
}

// TestHTTPTriggerCanary: a trigger on an alias with a canary weight sends
// about that share of requests to the additional version.
func TestHTTPTriggerCanary(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	in := fn("canary", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/http-version-node"))
	in.EnvironmentVariables = map[string]string{"TAG": "v1"}
	if _, err := c.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	publish := func() {
		if err := c.Do(ctx, client.Op{Action: "PublishFunctionVersion", Method: "POST", Path: "/functions/canary/versions"}, map[string]any{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	publish()
	if _, err := c.UpdateFunction(ctx, "canary", &fc.FunctionInput{EnvironmentVariables: map[string]string{"TAG": "v2"}}); err != nil {
		t.Fatal(err)
	}
	publish()
	alias := map[string]any{"aliasName": "prod", "versionId": "1", "additionalVersionWeight": map[string]float64{"2": 0.3}}
	if err := c.Do(ctx, client.Op{Action: "CreateAlias", Method: "POST", Path: "/functions/canary/aliases"}, alias, nil); err != nil {
		t.Fatal(err)
	}
	u := createHTTPTrigger(t, c, "canary", "web", "prod", `{"authType":"anonymous","methods":["GET"]}`)
	const calls = 200
	counts := map[string]int{}
	for range calls {
		res := httpCall(t, "GET", u+"/", nil, nil)
		if res.status != 200 {
			t.Fatalf("got %d %s, want 200", res.status, res.body)
		}
		counts[string(res.body)]++
	}
	t.Logf("canary split over %d calls: %v", calls, counts)
	// Binomial(200, 0.3): mean 60, sd 6.5; [34, 86] is four sd either way.
	if v2 := counts["v2"]; counts["v1"]+v2 != calls || v2 < 34 || v2 > 86 {
		t.Errorf("got %v, want about 30%% v2 (34–86 of %d)", counts, calls)
	}
}

// createHTTPTrigger creates a trigger (publishing version qualifier first
// when it is a number) and returns its URL.
func createHTTPTrigger(t *testing.T, c *client.Client, function, name, qualifier, config string) string {
	t.Helper()
	ctx := context.Background()
	if fc.IsVersionID(qualifier) {
		if err := c.Do(ctx, client.Op{Action: "PublishFunctionVersion", Method: "POST", Path: "/functions/" + function + "/versions"}, map[string]any{}, nil); err != nil {
			t.Fatalf("publish %s: %v", function, err)
		}
	}
	in := map[string]any{"triggerName": name, "triggerType": "http", "triggerConfig": config}
	if qualifier != "" {
		in["qualifier"] = qualifier
	}
	var out fc.Trigger
	op := client.Op{Action: "CreateTrigger", Method: "POST", Path: "/functions/" + function + "/triggers"}
	if err := c.Do(ctx, op, in, &out); err != nil {
		t.Fatalf("create trigger %s/%s: %v", function, name, err)
	}
	if out.HTTPTrigger == nil || out.HTTPTrigger.URLInternet == "" {
		t.Fatalf("trigger %s/%s has no URL: %+v", function, name, out)
	}
	return out.HTTPTrigger.URLInternet
}

type httpResult struct {
	status int
	header http.Header
	body   []byte
}

func (r *httpResult) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("status %d body %q is not JSON: %v", r.status, r.body, err)
	}
}

func (r *httpResult) fcCode(t *testing.T) string {
	t.Helper()
	var e struct{ Code, RequestId string }
	r.json(t, &e)
	if e.RequestId == "" || e.RequestId != r.header.Get("x-fc-request-id") {
		t.Errorf("error %s: RequestId %q, header %q; want both, equal", r.body, e.RequestId, r.header.Get("x-fc-request-id"))
	}
	return e.Code
}

func httpCall(t *testing.T, method, url string, body []byte, header map[string]string) *httpResult {
	t.Helper()
	return httpCallWith(t, method, url, body, func(r *http.Request) {
		for k, v := range header {
			r.Header.Set(k, v)
		}
	})
}

func httpCallWith(t *testing.T, method, url string, body []byte, prepare func(*http.Request)) *httpResult {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(req)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("x-fc-request-id") == "" {
		t.Errorf("%s %s: no x-fc-request-id", method, url)
	}
	return &httpResult{status: resp.StatusCode, header: resp.Header, body: b}
}
