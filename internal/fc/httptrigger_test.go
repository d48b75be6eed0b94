package fc

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseHTTPTriggerConfig(t *testing.T) {
	cases := []struct {
		name, text  string
		wantAuth    string
		wantMethods string
		wantErr     string
	}{
		{name: "defaults to function auth", text: `{"methods":["get","POST","GET"]}`, wantAuth: "function", wantMethods: "GET,POST"},
		{name: "anonymous with CORS", text: `{"authType":"anonymous","methods":["PUT"],"corsConfig":{"allowOrigins":["*"],"maxAge":600}}`, wantAuth: "anonymous", wantMethods: "PUT"},
		{name: "jwt with authConfig text", text: `{"authType":"jwt","methods":["GET"],"authConfig":"{\"jwks\":{}}"}`, wantAuth: "jwt", wantMethods: "GET"},
		{name: "jwt with authConfig object", text: `{"authType":"jwt","methods":["GET"],"authConfig":{"jwks":{}}}`, wantAuth: "jwt", wantMethods: "GET"},
		{name: "no methods", text: `{"authType":"anonymous"}`, wantErr: "methods is required"},
		{name: "unknown method", text: `{"methods":["TRACE"]}`, wantErr: "TRACE"},
		{name: "unknown auth type", text: `{"authType":"basic","methods":["GET"]}`, wantErr: "authType"},
		{name: "jwt without authConfig", text: `{"authType":"jwt","methods":["GET"]}`, wantErr: "authConfig is required"},
		{name: "maxAge too large", text: `{"methods":["GET"],"corsConfig":{"maxAge":90000}}`, wantErr: "maxAge"},
		{name: "bad expose header", text: `{"methods":["GET"],"corsConfig":{"exposeHeaders":["a b"]}}`, wantErr: "header name"},
		{name: "not JSON", text: `{`, wantErr: "invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseHTTPTriggerConfig(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || c.AuthType != tc.wantAuth || strings.Join(c.Methods, ",") != tc.wantMethods {
				t.Errorf("got %+v %v, want auth %s methods %s", c, err, tc.wantAuth, tc.wantMethods)
			}
		})
	}
}

func TestTriggerInputConfigText(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"string, the SDK's form", `{"triggerConfig":"{\"a\":1}"}`, `{"a":1}`},
		{"object, kept as its text", `{"triggerConfig":{"a":1}}`, `{"a":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var in TriggerInput
			if err := json.Unmarshal([]byte(tc.body), &in); err != nil || in.TriggerConfig == nil || string(*in.TriggerConfig) != tc.want {
				t.Errorf("got %v %v, want %s", in.TriggerConfig, err, tc.want)
			}
		})
	}
	var in TriggerInput
	if err := json.Unmarshal([]byte(`{"triggerConfig":7}`), &in); err == nil {
		t.Error("a number: got no error, want one")
	}
}

func TestValidTriggerNameAndType(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{{"web", true}, {"_a-1", true}, {strings.Repeat("a", 128), true}, {strings.Repeat("a", 129), false}, {"1a", false}, {"-a", false}, {"a.b", false}, {"", false}} {
		if err := ValidTriggerName(c.name); (err == nil) != c.ok {
			t.Errorf("ValidTriggerName(%q): got %v, want ok=%v", c.name, err, c.ok)
		}
	}
	for _, c := range []struct{ typ, want string }{{"http", ""}, {"timer", ""}, {"oss", "not supported"}, {"ftp", "unknown"}} {
		err := ValidTriggerType(c.typ)
		if (c.want == "" && err != nil) || (c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want))) {
			t.Errorf("ValidTriggerType(%q): got %v, want %q", c.typ, err, c.want)
		}
	}
}
