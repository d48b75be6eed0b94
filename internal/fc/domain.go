package fc

// Custom domains (fc3-api.md §2 Custom domains, §3.3 CustomDomain,
// RouteConfig, PathConfig, RewriteConfig): a host name whose requests are
// routed by path prefix to functions of the domain's account.

// CustomDomain is FC's CustomDomain model.
type CustomDomain struct {
	AccountID        string       `json:"accountId"`
	APIVersion       string       `json:"apiVersion"`
	DomainName       string       `json:"domainName"`
	Protocol         string       `json:"protocol"`
	RouteConfig      *RouteConfig `json:"routeConfig,omitempty"`
	AuthConfig       *AuthConfig  `json:"authConfig,omitempty"`
	CORSConfig       *CORSConfig  `json:"corsConfig,omitempty"`
	CertConfig       *CertConfig  `json:"certConfig,omitempty"`
	TLSConfig        *TLSConfig   `json:"tlsConfig,omitempty"`
	WAFConfig        *WAFConfig   `json:"wafConfig,omitempty"`
	IsE2B            bool         `json:"isE2B,omitempty"`
	SubdomainCount   string       `json:"subdomainCount"`
	CreatedTime      string       `json:"createdTime"`
	LastModifiedTime string       `json:"lastModifiedTime"`
}

// CustomDomainInput is CreateCustomDomainInput and UpdateCustomDomainInput
// (which has no domainName); a nil field is left unchanged on update.
type CustomDomainInput struct {
	DomainName  *string      `json:"domainName"`
	Protocol    *string      `json:"protocol"`
	RouteConfig *RouteConfig `json:"routeConfig"`
	AuthConfig  *AuthConfig  `json:"authConfig"`
	CORSConfig  *CORSConfig  `json:"corsConfig"`
	CertConfig  *CertConfig  `json:"certConfig"`
	TLSConfig   *TLSConfig   `json:"tlsConfig"`
	WAFConfig   *WAFConfig   `json:"wafConfig"`
	IsE2B       *bool        `json:"isE2B"`
}

// RouteConfig is a domain's route table.
type RouteConfig struct {
	Routes []PathConfig `json:"routes"`
}

// PathConfig routes a path ("/login" exactly, or "/api/*" by prefix) to a
// function qualifier, optionally for some methods only.
type PathConfig struct {
	Path          string         `json:"path"`
	FunctionName  string         `json:"functionName"`
	Qualifier     string         `json:"qualifier,omitempty"`
	Methods       []string       `json:"methods,omitempty"`
	RewriteConfig *RewriteConfig `json:"rewriteConfig,omitempty"`
}

// RewriteConfig rewrites the path a function sees: equal rules first, then
// wildcard rules, then regex rules; the first rule that matches applies.
type RewriteConfig struct {
	EqualRules    []RewriteRule `json:"equalRules,omitempty"`
	WildcardRules []RewriteRule `json:"wildcardRules,omitempty"`
	RegexRules    []RewriteRule `json:"regexRules,omitempty"`
}

// RewriteRule is EqualRule, WildcardRule and RegexRule: a match and its
// replacement ($1… name the wildcard or regex groups).
type RewriteRule struct {
	Match       string `json:"match"`
	Replacement string `json:"replacement"`
}

// AuthConfig is a domain's authentication: authType as for HTTP triggers,
// authInfo the JWT configuration text when authType is jwt.
type AuthConfig struct {
	AuthType string `json:"authType"`
	AuthInfo string `json:"authInfo,omitempty"`
}

// CertConfig is a domain's HTTPS certificate. Yun stores it and never
// returns the private key.
type CertConfig struct {
	CertName    string `json:"certName,omitempty"`
	Certificate string `json:"certificate,omitempty"`
	PrivateKey  string `json:"privateKey,omitempty"`
}

// TLSConfig is a domain's TLS settings; stored, not acted on.
type TLSConfig struct {
	CipherSuites []string `json:"cipherSuites,omitempty"`
	MaxVersion   string   `json:"maxVersion,omitempty"`
	MinVersion   string   `json:"minVersion,omitempty"`
}

// WAFConfig is a domain's firewall switch; stored, not acted on.
type WAFConfig struct {
	EnableWAF bool `json:"enableWAF"`
}

// ListCustomDomainOutput is ListCustomDomains' answer.
type ListCustomDomainOutput struct {
	CustomDomains []*CustomDomain `json:"customDomains"`
	NextToken     string          `json:"nextToken,omitempty"`
}

// Custom-domain limits and values.
const (
	MaxRoutes        = 100
	MaxRewriteRules  = 50
	ProtocolHTTP     = "HTTP"
	ProtocolHTTPS    = "HTTPS"
	ProtocolBoth     = "HTTP,HTTPS"
	CodeDomainExists = "DomainNameAlreadyExists"
)
