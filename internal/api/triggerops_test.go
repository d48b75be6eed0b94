package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

func TestTriggerOperations(t *testing.T) {
	f := newWebFixture(t)
	f.createFunction("fn", "nodejs20")
	config := `{"authType":"anonymous","methods":["GET","post"]}`
	tr, err := f.createTrigger("fn", map[string]any{"triggerName": "web", "triggerType": "http", "triggerConfig": config, "description": "d"})
	if err != nil {
		t.Fatal(err)
	}
	want := "http://api.yun.test/yun/http/1001/fn/LATEST"
	if tr.TriggerConfig != config || tr.Qualifier != "LATEST" || tr.Status != "Enabled" || tr.TriggerID == "" ||
		tr.HTTPTrigger == nil || tr.HTTPTrigger.URLInternet != want || tr.TargetArn != "acs:fc:cn-test:1001:functions/fn" {
		t.Errorf("got %+v (httpTrigger %+v), want config kept as text, LATEST, Enabled, an id and URL %s", tr, tr.HTTPTrigger, want)
	}
	if got := f.hooks.last(); got != (hookCall{"1001", "fn", "web", false}) {
		t.Errorf("hook: got %+v, want the create", got)
	}

	// A timer (disabled) and a second HTTP trigger as an object config.
	if tm, err := f.createTrigger("fn", map[string]any{"triggerName": "tick", "triggerType": "timer",
		"triggerConfig": `{"cronExpression":"@every 1m","enable":false}`}); err != nil || tm.Status != "Disabled" || tm.HTTPTrigger != nil {
		t.Errorf("timer: got %+v %v, want a Disabled trigger without URLs", tm, err)
	}
	if _, err := f.createTrigger("fn", map[string]any{"triggerName": "zz", "triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "0 0 4 * * *"}}); err != nil {
		t.Errorf("triggerConfig as an object: got %v, want it accepted", err)
	}

	t.Run("errors", func(t *testing.T) {
		cases := []struct {
			name     string
			function string
			in       map[string]any
			status   int
			code     string
			msg      string
		}{
			{"duplicate name", "fn", map[string]any{"triggerName": "web", "triggerType": "timer", "triggerConfig": `{"cronExpression":"@every 1m"}`}, 409, "TriggerAlreadyExists", "web"},
			{"second HTTP trigger of a qualifier", "fn", map[string]any{"triggerName": "web2", "triggerType": "http", "triggerConfig": config}, 409, "TriggerAlreadyExists", "at most one"},
			{"unsupported type", "fn", map[string]any{"triggerName": "o", "triggerType": "oss", "triggerConfig": "{}"}, 400, "InvalidArgument", "not supported"},
			{"unknown type", "fn", map[string]any{"triggerName": "o", "triggerType": "kafka", "triggerConfig": "{}"}, 400, "InvalidArgument", "unknown"},
			{"bad name", "fn", map[string]any{"triggerName": "9x", "triggerType": "http", "triggerConfig": config}, 400, "InvalidArgument", "triggerName"},
			{"config not JSON", "fn", map[string]any{"triggerName": "b", "triggerType": "http", "triggerConfig": "{"}, 400, "InvalidArgument", "triggerConfig"},
			{"no methods", "fn", map[string]any{"triggerName": "b", "triggerType": "http", "qualifier": "LATEST", "triggerConfig": `{"authType":"anonymous"}`}, 400, "InvalidArgument", "methods"},
			{"bad method", "fn", map[string]any{"triggerName": "b", "triggerType": "http", "triggerConfig": `{"methods":["FETCH"]}`}, 400, "InvalidArgument", "FETCH"},
			{"jwt without authConfig", "fn", map[string]any{"triggerName": "b", "triggerType": "http", "triggerConfig": `{"authType":"jwt","methods":["GET"]}`}, 400, "InvalidArgument", "authConfig"},
			{"jwt with an HMAC key", "fn", map[string]any{"triggerName": "b", "triggerType": "http",
				"triggerConfig": `{"authType":"jwt","methods":["GET"],"authConfig":"{\"jwks\":{\"keys\":[{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"c2VjcmV0\"}]}}"}`}, 400, "InvalidArgument", "HS256"},
			{"timer without cron", "fn", map[string]any{"triggerName": "b", "triggerType": "timer", "triggerConfig": `{"payload":"x"}`}, 400, "InvalidArgument", "cronExpression"},
			{"unknown alias", "fn", map[string]any{"triggerName": "b", "triggerType": "http", "qualifier": "prod", "triggerConfig": config}, 404, "AliasNotFound", "prod"},
			{"missing function", "nope", map[string]any{"triggerName": "b", "triggerType": "http", "triggerConfig": config}, 404, "FunctionNotFound", "nope"},
			{"missing config", "fn", map[string]any{"triggerName": "b", "triggerType": "http"}, 400, "InvalidArgument", "triggerConfig"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.createTrigger(tc.function, tc.in)
				ce := apiError(t, err)
				if ce.Status != tc.status || ce.Code != tc.code || !strings.Contains(ce.Message, tc.msg) {
					t.Errorf("got %d %s %q, want %d %s mentioning %q", ce.Status, ce.Code, ce.Message, tc.status, tc.code, tc.msg)
				}
			})
		}
	})

	t.Run("list pages by name", func(t *testing.T) {
		var p1, p2 fc.ListTriggersOutput
		if err := f.do("GET", "/functions/fn/triggers?limit=2", nil, &p1); err != nil {
			t.Fatal(err)
		}
		if err := f.do("GET", "/functions/fn/triggers?limit=2&nextToken="+p1.NextToken, nil, &p2); err != nil {
			t.Fatal(err)
		}
		got := names(p1.Triggers) + "|" + names(p2.Triggers)
		if got != "tick,web|zz" || p1.NextToken == "" || p2.NextToken != "" {
			t.Errorf("got pages %s (tokens %q, %q), want tick,web|zz", got, p1.NextToken, p2.NextToken)
		}
	})

	t.Run("update", func(t *testing.T) {
		var up fc.Trigger
		err := f.do("PUT", "/functions/fn/triggers/web", map[string]any{"description": "new", "triggerConfig": `{"authType":"anonymous","methods":["PUT"]}`}, &up)
		if err != nil || up.Description != "new" || !strings.Contains(up.TriggerConfig, "PUT") || up.CreatedTime != tr.CreatedTime {
			t.Errorf("got %+v %v, want the new description and config, same createdTime", up, err)
		}
		err = f.do("PUT", "/functions/fn/triggers/web", map[string]any{"triggerType": "timer"}, nil)
		if ce := apiError(t, err); ce.Status != 400 {
			t.Errorf("changing the type: got %v, want 400", err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := f.do("DELETE", "/functions/fn/triggers/tick", nil, nil); err != nil {
			t.Fatal(err)
		}
		if got := f.hooks.last(); got != (hookCall{"1001", "fn", "tick", true}) {
			t.Errorf("hook: got %+v, want the delete", got)
		}
		err := f.do("GET", "/functions/fn/triggers/tick", nil, nil)
		if ce := apiError(t, err); ce.Status != 404 || ce.Code != "TriggerNotFound" {
			t.Errorf("get after delete: got %v, want 404 TriggerNotFound", err)
		}
	})

	t.Run("deleting the function deletes its triggers", func(t *testing.T) {
		if err := f.do("DELETE", "/functions/fn", nil, nil); err != nil {
			t.Fatal(err)
		}
		f.createFunction("fn", "nodejs20")
		var list fc.ListTriggersOutput
		if err := f.do("GET", "/functions/fn/triggers", nil, &list); err != nil || len(list.Triggers) != 0 {
			t.Errorf("got %v %v, want no triggers on a re-created function", names(list.Triggers), err)
		}
		if res := f.send("PUT", "/yun/http/1001/fn/LATEST/", nil, nil); res.status != http.StatusNotFound {
			t.Errorf("old trigger URL: got %d %s, want 404", res.status, res.body)
		}
	})
}

func names(ts []*fc.Trigger) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.TriggerName
	}
	return strings.Join(out, ",")
}
