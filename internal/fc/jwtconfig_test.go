package fc

import (
	"reflect"
	"strings"
	"testing"
)

const testJWKS = `"jwks":{"keys":[{"kty":"RSA","alg":"RS256","n":"x","e":"AQAB"}]}`

func TestParseJWTAuthConfig(t *testing.T) {
	cases := []struct {
		name        string
		text        string
		wantSources []TokenSource
		wantClaims  []ClaimMapping
		wantErr     string
	}{
		{name: "string forms, SDK field case",
			text:        `{"JWKS":{"keys":[{"kty":"RSA","alg":"RS256"}]},"TokenLookup":"header:Authorization:Bearer,cookie:tok","ClaimPassBy":"query:uid:uid,header:name:X-Name"}`,
			wantSources: []TokenSource{{"header", "Authorization", "Bearer"}, {"cookie", "tok", ""}},
			wantClaims:  []ClaimMapping{{"query", "uid", "uid"}, {"header", "name", "X-Name"}}},
		{name: "array forms",
			text: `{` + testJWKS + `,"tokenLookup":[{"readPosition":"query","parameterName":"jwt"}],` +
				`"claimPassBy":[{"mappingParameterPosition":"cookie","claimName":"sub","mappingParameterName":"user"}]}`,
			wantSources: []TokenSource{{"query", "jwt", ""}},
			wantClaims:  []ClaimMapping{{"cookie", "sub", "user"}}},
		{name: "Serverless Devs' empty claimPassBy", text: `{` + testJWKS + `,"claimPassBy":"query::"}`, wantClaims: []ClaimMapping{}},
		{name: "no keys", text: `{"jwks":{"keys":[]}}`, wantErr: "jwks.keys is required"},
		{name: "encryption key", text: `{"jwks":{"keys":[{"kty":"RSA","alg":"RS256","use":"enc"}]}}`, wantErr: "only sig"},
		{name: "bad token position", text: `{` + testJWKS + `,"tokenLookup":"body:x"}`, wantErr: "tokenLookup"},
		{name: "form claims", text: `{` + testJWKS + `,"claimPassBy":"form:sub:user"}`, wantErr: "claimPassBy"},
		{name: "bad claim header", text: `{` + testJWKS + `,"claimPassBy":"header:sub:a b"}`, wantErr: "header name"},
		{name: "white and black lists", text: `{` + testJWKS + `,"whitelist":["/a"],"blacklist":["/b"]}`, wantErr: "both"},
		{name: "wildcard inside a path", text: `{` + testJWKS + `,"whitelist":["/a/*/b"]}`, wantErr: "'*' only at the end"},
		{name: "tokenLookup of the wrong type", text: `{` + testJWKS + `,"tokenLookup":7}`, wantErr: "tokenLookup"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseJWTAuthConfig(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantSources != nil && !reflect.DeepEqual(c.TokenLookup, tc.wantSources) {
				t.Errorf("tokenLookup: got %+v, want %+v", c.TokenLookup, tc.wantSources)
			}
			if tc.wantClaims != nil && !reflect.DeepEqual(c.ClaimPassBy, tc.wantClaims) {
				t.Errorf("claimPassBy: got %+v, want %+v", c.ClaimPassBy, tc.wantClaims)
			}
		})
	}
}
