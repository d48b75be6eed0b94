package fc

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// HTTP triggers and custom domains answer plain HTTP requests (fc3-api.md
// §3.2 HTTPTriggerConfig, §8.4 web functions).

// Auth types of HTTP triggers and custom domains.
const (
	AuthAnonymous = "anonymous"
	AuthFunction  = "function" // an ACS3 signature of the function's account
	AuthJWT       = "jwt"
)

// HTTPMethods are the methods an HTTP trigger or route may allow.
var HTTPMethods = []string{"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}

// Web-function request limits (fc3-api.md §8.4, §9).
const (
	MaxWebHeader    = 8 << 10 // bytes of request headers
	MaxWebPathQuery = 4 << 10 // bytes of path and query
	MaxCORSMaxAge   = 86400   // seconds
)

// Error codes of HTTP-trigger requests. FC does not document its own for
// these cases; they name the condition plainly.
const (
	CodeMethodNotAllowed = "MethodNotAllowed"
	CodeUnauthorized     = "Unauthorized"
)

// HTTPTriggerConfig is the decoded triggerConfig of an HTTP trigger.
// AuthConfig is JSON text (the SDK's type); an object is accepted too.
type HTTPTriggerConfig struct {
	AuthType           string      `json:"authType"`
	Methods            []string    `json:"methods"`
	AuthConfig         ConfigText  `json:"authConfig,omitempty"`
	DisableURLInternet bool        `json:"disableURLInternet"`
	CORSConfig         *CORSConfig `json:"corsConfig,omitempty"`
}

// CORSConfig is FC's cross-origin resource sharing configuration.
type CORSConfig struct {
	AllowOrigins     []string `json:"allowOrigins,omitempty"`
	AllowMethods     []string `json:"allowMethods,omitempty"`
	AllowHeaders     []string `json:"allowHeaders,omitempty"`
	ExposeHeaders    []string `json:"exposeHeaders,omitempty"`
	AllowCredentials bool     `json:"allowCredentials,omitempty"`
	MaxAge           int      `json:"maxAge,omitempty"`
}

// ParseHTTPTriggerConfig decodes and checks an HTTP trigger's triggerConfig
// text. authType defaults to function, as in FC; methods are upper-cased.
// The JWT settings in authConfig are checked by ParseJWTAuthConfig.
func ParseHTTPTriggerConfig(text string) (*HTTPTriggerConfig, error) {
	c := &HTTPTriggerConfig{}
	if err := json.Unmarshal([]byte(text), c); err != nil {
		return nil, InvalidArgument("triggerConfig of an http trigger is invalid: %v", err)
	}
	if c.AuthType == "" {
		c.AuthType = AuthFunction
	}
	if err := ValidAuthType("triggerConfig.authType", c.AuthType); err != nil {
		return nil, err
	}
	if c.AuthType == AuthJWT && strings.TrimSpace(string(c.AuthConfig)) == "" {
		return nil, InvalidArgument("triggerConfig.authConfig is required when authType is jwt")
	}
	methods, err := NormalizeMethods("triggerConfig.methods", c.Methods)
	if err != nil {
		return nil, err
	}
	if len(methods) == 0 {
		return nil, InvalidArgument("triggerConfig.methods is required: some of %v", HTTPMethods)
	}
	c.Methods = methods
	return c, ValidCORS("triggerConfig.corsConfig", c.CORSConfig)
}

// ValidAuthType checks an auth type: anonymous, function or jwt.
func ValidAuthType(field, t string) error {
	if t != AuthAnonymous && t != AuthFunction && t != AuthJWT {
		return InvalidArgument("%s %q is invalid: anonymous, function or jwt", field, t)
	}
	return nil
}

// NormalizeMethods upper-cases and de-duplicates methods and checks each.
func NormalizeMethods(field string, methods []string) ([]string, error) {
	out := make([]string, 0, len(methods))
	for _, m := range methods {
		m = strings.ToUpper(strings.TrimSpace(m))
		if !slices.Contains(HTTPMethods, m) {
			return nil, InvalidArgument("%s has %q: want some of %v", field, m, HTTPMethods)
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// ValidCORS checks a CORS configuration; nil is valid (no CORS handling).
func ValidCORS(field string, c *CORSConfig) error {
	if c == nil {
		return nil
	}
	for _, o := range c.AllowOrigins {
		if strings.TrimSpace(o) == "" {
			return InvalidArgument("%s.allowOrigins has an empty origin", field)
		}
	}
	for _, m := range c.AllowMethods {
		if m != "*" && !slices.Contains(HTTPMethods, strings.ToUpper(m)) {
			return InvalidArgument("%s.allowMethods has %q: want some of %v or *", field, m, HTTPMethods)
		}
	}
	for _, h := range append(slices.Clone(c.AllowHeaders), c.ExposeHeaders...) {
		if h != "*" && !validHeaderName(h) {
			return InvalidArgument("%s has the invalid header name %q", field, h)
		}
	}
	if c.MaxAge < 0 || c.MaxAge > MaxCORSMaxAge {
		return InvalidArgument("%s.maxAge %d is out of range [0, %d]", field, c.MaxAge, MaxCORSMaxAge)
	}
	return nil
}

// validHeaderName says whether s is an HTTP token (RFC 9110 §5.1).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// MethodNotAllowed is the 405 for a method the trigger or route does not allow.
func MethodNotAllowed(method string, allowed []string) *Error {
	return Errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method %s is not allowed here; allowed: %s", method, strings.Join(allowed, ", "))
}
