package api

import (
	"errors"
	"net/http"
	"testing"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// TestPublishVersionWithoutBody: the SDK sends no body at all when every
// field of PublishFunctionVersion's body is unset (description is optional).
func TestPublishVersionWithoutBody(t *testing.T) {
	f := newWebFixture(t)
	f.createFunction("a", "nodejs20")
	var v fc.Version
	if err := f.do("POST", "/functions/a/versions", nil, &v); err != nil {
		t.Fatalf("PublishFunctionVersion without a body: %v", err)
	}
	if v.VersionID != "1" {
		t.Errorf("got version %+v, want id 1", v)
	}
}

// TestDeletedQualifierLeavesNothingBehind: a version or alias a trigger
// invokes cannot be deleted (409, naming the trigger), and one deleted takes
// its async invoke config with it, so that a later alias of the same name
// inherits neither.
func TestDeletedQualifierLeavesNothingBehind(t *testing.T) {
	f := newWebFixture(t)
	f.createFunction("a", "nodejs20")
	if err := f.do("POST", "/functions/a/versions", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.do("POST", "/functions/a/aliases", map[string]any{"aliasName": "prod", "versionId": "1"}, nil); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": "https://old.example/hook"}}}
	if err := f.do("PUT", "/functions/a/async-invoke-config?qualifier=prod", cfg, nil); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"prod", "1"} {
		if _, err := f.createTrigger("a", map[string]any{"triggerName": "tick-" + q, "triggerType": "timer", "qualifier": q,
			"triggerConfig": `{"cronExpression":"@every 1m","enable":true}`}); err != nil {
			t.Fatal(err)
		}
	}
	wantFCErr(t, f.do("DELETE", "/functions/a/aliases/prod", nil, nil), http.StatusConflict, "AliasInUse")
	if err := f.do("DELETE", "/functions/a/triggers/tick-prod", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.do("DELETE", "/functions/a/aliases/prod", nil, nil); err != nil {
		t.Fatalf("DeleteAlias once no trigger uses it: %v", err)
	}
	var cfgs fc.ListAsyncInvokeConfigOutput
	if err := f.do("GET", "/async-invoke-configs?functionName=a", nil, &cfgs); err != nil {
		t.Fatal(err)
	}
	if len(cfgs.Configs) != 0 {
		t.Errorf("after DeleteAlias prod: %d async invoke configs left, want 0", len(cfgs.Configs))
	}
	wantFCErr(t, f.do("DELETE", "/functions/a/versions/1", nil, nil), http.StatusConflict, "VersionInUse")
	if err := f.do("DELETE", "/functions/a/triggers/tick-1", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.do("DELETE", "/functions/a/versions/1", nil, nil); err != nil {
		t.Fatalf("DeleteFunctionVersion once no trigger uses it: %v", err)
	}
}

func wantFCErr(t *testing.T, err error, status int, code string) {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != status || ce.Code != code {
		t.Errorf("got %v, want %d %s", err, status, code)
	}
}
