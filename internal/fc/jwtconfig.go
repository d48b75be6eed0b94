package fc

import (
	"encoding/json"
	"slices"
	"strings"
)

// JWT authentication of HTTP triggers and custom domains: the authConfig of
// a trigger with authType jwt (or a domain's authConfig.authInfo).
//
// FC's shape, as the console and Serverless Devs send it:
//
//	{"jwks": {"keys": [{"kty":"RSA","alg":"RS256","kid":"k1","use":"sig","n":"…","e":"AQAB"}]},
//	 "tokenLookup": "header:Authorization:Bearer,cookie:token,query:jwt",
//	 "claimPassBy": "header:sub:x-user-id,query:uid:uid",
//	 "whitelist": ["/public/*"]}
//
// tokenLookup entries are position:name[:prefix], with position header,
// cookie, query or form; claimPassBy entries are position:claim:parameter,
// with position header, query or cookie. Both may also be arrays of objects
// ({readPosition, parameterName, prefix} and {mappingParameterPosition,
// claimName, mappingParameterName}). Field names match case-insensitively, so
// the SDK's documented {"JWKS", "TokenLookup", "ClaimPassBy"} works too.
// whitelist lists paths that skip verification, blacklist the only paths that
// need it (exact, or a prefix ending in '*'); at most one of them is set.

// JWT limits.
const (
	MaxJWKSKeys      = 16
	MaxTokenSources  = 8
	MaxClaimMappings = 16
)

// JWTAuthConfig is the decoded JWT authentication configuration.
type JWTAuthConfig struct {
	JWKS        JWKS           `json:"jwks"`
	TokenLookup []TokenSource  `json:"-"`
	ClaimPassBy []ClaimMapping `json:"-"`
	Whitelist   []string       `json:"whitelist,omitempty"`
	Blacklist   []string       `json:"blacklist,omitempty"`
}

// JWKS is a JSON Web Key Set (RFC 7517 §5).
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one public key (RFC 7517, RFC 7518 §6): RSA (n, e) or EC (crv, x, y).
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Alg string `json:"alg"`
	Use string `json:"use,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// TokenSource is where a request may carry its token.
type TokenSource struct {
	Position string // header, cookie, query or form
	Name     string
	Prefix   string // stripped from a header value, e.g. "Bearer"
}

// ClaimMapping passes one claim to the function.
type ClaimMapping struct {
	Position string // header, query or cookie
	Claim    string
	Name     string
}

// DefaultTokenSource is used when tokenLookup is empty.
var DefaultTokenSource = TokenSource{Position: "header", Name: "Authorization", Prefix: "Bearer"}

// rawJWTAuthConfig is the wire form before the string-or-array fields are
// decoded.
type rawJWTAuthConfig struct {
	JWKS        JWKS            `json:"jwks"`
	TokenLookup json.RawMessage `json:"tokenLookup"`
	ClaimPassBy json.RawMessage `json:"claimPassBy"`
	Whitelist   []string        `json:"whitelist"`
	Blacklist   []string        `json:"blacklist"`
}

// ParseJWTAuthConfig decodes and checks the shape of a JWT authConfig. The
// keys themselves are checked by whoever turns them into crypto keys.
func ParseJWTAuthConfig(text string) (*JWTAuthConfig, error) {
	var raw rawJWTAuthConfig
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, InvalidArgument("authConfig is invalid JSON for jwt: %v", err)
	}
	c := &JWTAuthConfig{JWKS: raw.JWKS, Whitelist: raw.Whitelist, Blacklist: raw.Blacklist}
	var err error
	if c.TokenLookup, err = parseTokenLookup(raw.TokenLookup); err != nil {
		return nil, err
	}
	if c.ClaimPassBy, err = parseClaimPassBy(raw.ClaimPassBy); err != nil {
		return nil, err
	}
	return c, c.validate()
}

func (c *JWTAuthConfig) validate() error {
	switch n := len(c.JWKS.Keys); {
	case n == 0:
		return InvalidArgument("authConfig.jwks.keys is required: the public keys that verify tokens")
	case n > MaxJWKSKeys:
		return InvalidArgument("authConfig.jwks has %d keys, at most %d are allowed", n, MaxJWKSKeys)
	}
	for i, k := range c.JWKS.Keys {
		if k.Kty == "" || k.Alg == "" {
			return InvalidArgument("authConfig.jwks.keys[%d] needs kty and alg", i)
		}
		if k.Use != "" && k.Use != "sig" {
			return InvalidArgument("authConfig.jwks.keys[%d].use is %q: only sig keys verify tokens", i, k.Use)
		}
	}
	if len(c.Whitelist) > 0 && len(c.Blacklist) > 0 {
		return InvalidArgument("authConfig cannot set both whitelist and blacklist")
	}
	for _, p := range append(slices.Clone(c.Whitelist), c.Blacklist...) {
		if !strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "*"), "*") {
			return InvalidArgument("authConfig path %q is invalid: starts with '/', '*' only at the end", p)
		}
	}
	return nil
}

// parseTokenLookup reads "position:name[:prefix],…" or an array of
// {readPosition, parameterName, prefix}.
func parseTokenLookup(raw json.RawMessage) ([]TokenSource, error) {
	var out []TokenSource
	var text string
	if json.Unmarshal(raw, &text) == nil || len(raw) == 0 || string(raw) == "null" {
		for _, e := range splitEntries(text) {
			pos, rest, _ := strings.Cut(e, ":")
			name, prefix, _ := strings.Cut(rest, ":")
			out = append(out, TokenSource{Position: pos, Name: name, Prefix: prefix})
		}
	} else {
		var items []struct{ ReadPosition, ParameterName, Prefix string }
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, InvalidArgument("authConfig.tokenLookup is invalid: a string or an array of {readPosition, parameterName, prefix}")
		}
		for _, it := range items {
			out = append(out, TokenSource{Position: it.ReadPosition, Name: it.ParameterName, Prefix: it.Prefix})
		}
	}
	return out, validTokenSources(out)
}

func validTokenSources(sources []TokenSource) error {
	if len(sources) > MaxTokenSources {
		return InvalidArgument("authConfig.tokenLookup has %d entries, at most %d are allowed", len(sources), MaxTokenSources)
	}
	for _, s := range sources {
		if !slices.Contains([]string{"header", "cookie", "query", "form"}, s.Position) || s.Name == "" {
			return InvalidArgument("authConfig.tokenLookup entry %s:%s is invalid: position header, cookie, query or form, and a name", s.Position, s.Name)
		}
	}
	return nil
}

// parseClaimPassBy reads "position:claim:parameter,…" or an array of
// {mappingParameterPosition, claimName, mappingParameterName}. Entries with
// an empty claim or parameter (Serverless Devs sends "query::" for none) are
// dropped.
func parseClaimPassBy(raw json.RawMessage) ([]ClaimMapping, error) {
	var all []ClaimMapping
	var text string
	if json.Unmarshal(raw, &text) == nil || len(raw) == 0 || string(raw) == "null" {
		for _, e := range splitEntries(text) {
			parts := strings.SplitN(e, ":", 3)
			for len(parts) < 3 {
				parts = append(parts, "")
			}
			all = append(all, ClaimMapping{Position: parts[0], Claim: parts[1], Name: parts[2]})
		}
	} else {
		var items []struct{ MappingParameterPosition, ClaimName, MappingParameterName string }
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, InvalidArgument("authConfig.claimPassBy is invalid: a string or an array of {mappingParameterPosition, claimName, mappingParameterName}")
		}
		for _, it := range items {
			all = append(all, ClaimMapping{Position: it.MappingParameterPosition, Claim: it.ClaimName, Name: it.MappingParameterName})
		}
	}
	out := make([]ClaimMapping, 0, len(all))
	for _, m := range all {
		if m.Claim != "" && m.Name != "" {
			out = append(out, m)
		}
	}
	return out, validClaimMappings(out)
}

func validClaimMappings(ms []ClaimMapping) error {
	if len(ms) > MaxClaimMappings {
		return InvalidArgument("authConfig.claimPassBy has %d entries, at most %d are allowed", len(ms), MaxClaimMappings)
	}
	for _, m := range ms {
		if !slices.Contains([]string{"header", "query", "cookie"}, m.Position) {
			return InvalidArgument("authConfig.claimPassBy entry %s:%s:%s is invalid: position header, query or cookie", m.Position, m.Claim, m.Name)
		}
		if m.Position == "header" && !validHeaderName(m.Name) {
			return InvalidArgument("authConfig.claimPassBy header name %q is invalid", m.Name)
		}
	}
	return nil
}

func splitEntries(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
