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
