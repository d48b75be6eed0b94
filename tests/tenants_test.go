package tests

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/api"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

func adminOp(action, method, path string) client.Op {
	return client.Op{Action: action, Method: method, Path: path, Prefix: client.AdminPrefix}
}

// newAccount creates an account through the admin API and returns a client
// signed with its first key.
func newAccount(t *testing.T, n *node, name string, limits store.Limits) (*client.Client, *api.AccountOutput) {
	t.Helper()
	var out api.AccountOutput
	if err := n.Client().Do(context.Background(), adminOp("CreateAccount", "POST", "/accounts"),
		api.AccountInput{Name: &name, Limits: &limits}, &out); err != nil {
		t.Fatalf("create account %s: %v", name, err)
	}
	return client.New(n.Endpoint, out.AccessKey.ID, out.AccessKey.Secret), &out
}

// TestTenantIsolation: a second account can neither see nor touch the
// first one's functions; names do not leak (404, not 403).
func TestTenantIsolation(t *testing.T) {
	n := startNode(t, "")
	admin, ctx := n.Client(), context.Background()
	if _, err := admin.CreateFunction(ctx, fn("secret", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-env"))); err != nil {
		t.Fatal(err)
	}
	other, acct := newAccount(t, n, "other", store.Limits{})

	if list, err := other.ListFunctions(ctx, client.ListOptions{}); err != nil || len(list.Functions) != 0 {
		t.Errorf("other lists: got %v, %v; want nothing", list, err)
	}
	_, err := other.GetFunction(ctx, "secret", "")
	assertAPIError(t, err, 404, "FunctionNotFound", "secret")
	_, err = other.Invoke(ctx, "secret", client.InvokeOptions{})
	assertAPIError(t, err, 404, "FunctionNotFound", "secret")
	err = other.Do(ctx, client.Op{Action: "PublishFunctionVersion", Method: "POST", Path: "/functions/secret/versions"}, struct{}{}, nil)
	assertAPIError(t, err, 404, "FunctionNotFound", "secret")
	err = other.Do(ctx, client.Op{Action: "CreateAlias", Method: "POST", Path: "/functions/secret/aliases"},
		fc.AliasInput{AliasName: ptr("a"), VersionID: ptr("1")}, nil)
	assertAPIError(t, err, 404, "FunctionNotFound", "secret")
	err = other.DeleteFunction(ctx, "secret")
	assertAPIError(t, err, 404, "FunctionNotFound", "secret")

	in := fn("secret", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-env"))
	in.EnvironmentVariables = map[string]string{"LABEL": "other"}
	f, err := other.CreateFunction(ctx, in)
	if err != nil {
		t.Fatalf("the same name in another account: %v", err)
	}
	if want := "acs:fc:cn-yun:" + acct.ID + ":functions/secret"; f.FunctionArn != want {
		t.Errorf("ARN: got %s, want %s", f.FunctionArn, want)
	}
	if res, err := other.Invoke(ctx, "secret", client.InvokeOptions{}); err != nil || string(res.Body) != "other@LATEST" {
		t.Errorf("other invokes its own: got %v, %v", res, err)
	}
	if _, err := admin.GetFunction(ctx, "secret", ""); err != nil {
		t.Errorf("the admin's function is untouched: %v", err)
	}
	err = other.Do(ctx, adminOp("ListAccounts", "GET", "/accounts"), nil, nil)
	assertAPIError(t, err, 403, "AccessDenied", "admin")
}

// TestAccountsAndKeys: disabling an account stops its keys; a rotated key
// replaces the old one; the function quota holds.
func TestAccountsAndKeys(t *testing.T) {
	n := startNode(t, "")
	admin, ctx := n.Client(), context.Background()
	c, acct := newAccount(t, n, "tenant", store.Limits{MaxFunctions: 2})
	code := zipDir(t, "tests/testdata/functions/node-env")
	for _, name := range []string{"a", "b"} {
		if _, err := c.CreateFunction(ctx, fn(name, "nodejs20", "index.handler", code)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateFunction(ctx, fn("c", "nodejs20", "index.handler", code))
	assertAPIError(t, err, 400, "LimitExceededError", "quota")

	disabled := true
	if err := admin.Do(ctx, adminOp("UpdateAccount", "PUT", "/accounts/"+acct.ID), api.AccountInput{Disabled: &disabled}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListFunctions(ctx, client.ListOptions{})
	assertAPIError(t, err, 403, "AccessDenied", "disabled")
	disabled = false
	if err := admin.Do(ctx, adminOp("UpdateAccount", "PUT", "/accounts/"+acct.ID), api.AccountInput{Disabled: &disabled}, nil); err != nil {
		t.Fatal(err)
	}

	var fresh store.AccessKey
	if err := admin.Do(ctx, adminOp("CreateKey", "POST", "/accounts/"+acct.ID+"/keys"), nil, &fresh); err != nil {
		t.Fatal(err)
	}
	disabled = true
	if err := admin.Do(ctx, adminOp("DisableKey", "PUT", "/keys/"+acct.AccessKey.ID), api.KeyInput{Disabled: &disabled}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListFunctions(ctx, client.ListOptions{})
	assertAPIError(t, err, 403, "InvalidAccessKeyID", acct.AccessKey.ID)
	rotated := client.New(n.Endpoint, fresh.ID, fresh.Secret)
	if list, err := rotated.ListFunctions(ctx, client.ListOptions{}); err != nil || len(list.Functions) != 2 {
		t.Errorf("the rotated key: got %v, %v; want the account's 2 functions", list, err)
	}
	var keys struct{ Keys []store.AccessKey }
	if err := admin.Do(ctx, adminOp("ListKeys", "GET", "/accounts/"+acct.ID+"/keys"), nil, &keys); err != nil || len(keys.Keys) != 2 {
		t.Fatalf("list keys: got %+v, %v", keys, err)
	}
	for _, k := range keys.Keys {
		if k.Secret != "" {
			t.Errorf("ListKeys shows the secret of %s", k.ID)
		}
	}
}

// TestFlowControl: an account over its request rate gets 429 with a
// Throttling code and x-acs-retry-after, and other tenants are unaffected;
// a disabled function refuses invocations until enabled.
func TestFlowControl(t *testing.T) {
	n := startNode(t, "")
	admin, ctx := n.Client(), context.Background()
	slow, _ := newAccount(t, n, "slow", store.Limits{RequestsPerSecond: 1, Burst: 3})
	throttled := 0
	for range 10 {
		_, err := slow.ListFunctions(ctx, client.ListOptions{})
		var ce *client.Error
		if errors.As(err, &ce) && ce.Status == http.StatusTooManyRequests && ce.Code == "Throttling.User" {
			throttled++
		} else if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if _, err := admin.ListFunctions(ctx, client.ListOptions{}); err != nil {
			t.Fatalf("the admin account is throttled too: %v", err)
		}
	}
	if throttled < 5 {
		t.Errorf("10 quick calls at 1/s with a burst of 3: got %d throttled, want at least 5", throttled)
	}

	perFn, _ := newAccount(t, n, "perfn", store.Limits{FunctionRequestsPerSecond: 1})
	if _, err := perFn.CreateFunction(ctx, fn("f", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-env"))); err != nil {
		t.Fatal(err)
	}
	var last error
	for range 5 {
		if _, err := perFn.Invoke(ctx, "f", client.InvokeOptions{}); err != nil {
			last = err
		}
	}
	assertAPIError(t, last, 429, "Throttling.Function", "f")

	if _, err := admin.CreateFunction(ctx, fn("gate", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-env"))); err != nil {
		t.Fatal(err)
	}
	if err := admin.Do(ctx, client.Op{Action: "DisableFunctionInvocation", Method: "POST", Path: "/functions/gate/invoke/disable"},
		map[string]any{"reason": "maintenance"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := admin.Invoke(ctx, "gate", client.InvokeOptions{})
	assertAPIError(t, err, 403, "FunctionInvocationDisabled", "maintenance")
	if f, err := admin.GetFunction(ctx, "gate", ""); err != nil || f.InvocationRestriction == nil || !f.InvocationRestriction.Disable {
		t.Errorf("GetFunction after disable: got %+v, %v; want invocationRestriction.disable", f, err)
	}
	if err := admin.Do(ctx, client.Op{Action: "EnableFunctionInvocation", Method: "POST", Path: "/functions/gate/invoke/enable"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Invoke(ctx, "gate", client.InvokeOptions{}); err != nil {
		t.Errorf("invoke after enable: %v", err)
	}
}

// TestAccountQuotas: an account's instance and memory quotas bound its
// instances on the node, with FC's 503 ResourceThrottled naming the quota;
// other accounts are not affected.
func TestAccountQuotas(t *testing.T) {
	n := startNode(t, "")
	ctx := context.Background()
	hello := zipDir(t, "examples/hello-node")

	mem, _ := newAccount(t, n, "small-memory", store.Limits{MaxMemoryMB: 256})
	big := fn("big", "nodejs20", "index.handler", hello)
	big.MemorySize = ptr(512)
	small := fn("small", "nodejs20", "index.handler", hello)
	small.MemorySize = ptr(256)
	for _, in := range []*fc.FunctionInput{big, small} {
		if _, err := mem.CreateFunction(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	_, err := mem.Invoke(ctx, "big", client.InvokeOptions{})
	assertAPIError(t, err, 503, "ResourceThrottled", "memory quota of 256 MB")
	if res, err := mem.Invoke(ctx, "small", client.InvokeOptions{}); err != nil || res.ErrorType != "" {
		t.Errorf("a 256 MB function within the 256 MB quota: %+v, %v", res, err)
	}

	one, _ := newAccount(t, n, "one-instance", store.Limits{MaxInstances: 1})
	slow := fn("slow", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-slow"))
	slow.Timeout = ptr(30)
	if _, err := one.CreateFunction(ctx, slow); err != nil {
		t.Fatal(err)
	}
	if _, err := one.CreateFunction(ctx, fn("other", "nodejs20", "index.handler", hello)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := one.Invoke(ctx, "slow", client.InvokeOptions{Body: []byte("3000")})
		done <- err
	}()
	waitBusy(t, one, "slow")
	_, err = one.Invoke(ctx, "other", client.InvokeOptions{})
	assertAPIError(t, err, 503, "ResourceThrottled", "instance quota of 1")
	if err := <-done; err != nil {
		t.Errorf("the call holding the quota: %v", err)
	}
	// The admin account has the node's defaults: unaffected.
	if _, err := n.Client().CreateFunction(ctx, fn("free", "nodejs20", "index.handler", hello)); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Client().Invoke(ctx, "free", client.InvokeOptions{}); err != nil {
		t.Errorf("another account: %v", err)
	}
}

// waitBusy waits until one of the function's instances runs a request.
func waitBusy(t *testing.T, c *client.Client, function string) {
	t.Helper()
	for range 300 {
		var out fc.ListInstancesOutput
		err := c.Do(context.Background(), client.Op{Action: "ListInstances", Method: "GET", Path: "/functions/" + function + "/instances"}, nil, &out)
		if err != nil {
			t.Fatalf("ListInstances: %v", err)
		}
		for _, in := range out.Instances {
			if in.Status == "Busy" {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no instance of %s became busy in 30s", function)
}
