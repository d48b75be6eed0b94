package fc

import (
	"net"
	"net/http"
	"regexp"
	"strings"
)

var domainLabelRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidDomainName checks a host name: lower-case DNS labels, at least two,
// at most 253 characters, not an IP address.
func ValidDomainName(name string) error {
	labels := strings.Split(name, ".")
	ok := len(name) <= 253 && len(labels) >= 2 && net.ParseIP(name) == nil
	for _, l := range labels {
		ok = ok && domainLabelRE.MatchString(l)
	}
	if !ok {
		return InvalidArgument("domainName %q is invalid: a lower-case host name such as api.example.com", name)
	}
	return nil
}

// ApplyDomain copies the fields set in in onto d. With create set, d starts
// from FC's defaults and domainName is required; otherwise it cannot change.
func ApplyDomain(d *CustomDomain, in *CustomDomainInput, create bool) error {
	if create {
		*d = CustomDomain{Protocol: ProtocolHTTP, APIVersion: "2023-03-30", SubdomainCount: "1"}
		if in.DomainName == nil {
			return InvalidArgument("domainName is required")
		}
		d.DomainName = strings.ToLower(strings.TrimSuffix(*in.DomainName, "."))
	} else if in.DomainName != nil {
		return InvalidArgument("domainName cannot be changed by UpdateCustomDomain")
	}
	setIf(&d.Protocol, in.Protocol)
	setIf(&d.IsE2B, in.IsE2B)
	setPtr(&d.RouteConfig, in.RouteConfig)
	setPtr(&d.AuthConfig, in.AuthConfig)
	setPtr(&d.CORSConfig, in.CORSConfig)
	setPtr(&d.CertConfig, in.CertConfig)
	setPtr(&d.TLSConfig, in.TLSConfig)
	setPtr(&d.WAFConfig, in.WAFConfig)
	return nil
}

func setPtr[T any](dst **T, src *T) {
	if src != nil {
		*dst = src
	}
}

// ValidateDomain checks a domain's name, protocol, routes and auth. Route
// methods are upper-cased in place.
func ValidateDomain(d *CustomDomain) error {
	if err := ValidDomainName(d.DomainName); err != nil {
		return err
	}
	if p := d.Protocol; p != ProtocolHTTP && p != ProtocolHTTPS && p != ProtocolBoth {
		return InvalidArgument("protocol %q is invalid: HTTP, HTTPS or HTTP,HTTPS", p)
	}
	if a := d.AuthConfig; a != nil && a.AuthType != "" {
		if err := ValidAuthType("authConfig.authType", a.AuthType); err != nil {
			return err
		}
		if a.AuthType == AuthJWT && strings.TrimSpace(a.AuthInfo) == "" {
			return InvalidArgument("authConfig.authInfo is required when authType is jwt")
		}
	}
	if err := ValidCORS("corsConfig", d.CORSConfig); err != nil {
		return err
	}
	return validRoutes(d.RouteConfig)
}

func validRoutes(rc *RouteConfig) error {
	if rc == nil {
		return nil
	}
	if len(rc.Routes) > MaxRoutes {
		return InvalidArgument("routeConfig has %d routes, at most %d are allowed", len(rc.Routes), MaxRoutes)
	}
	seen := map[string]bool{}
	for i := range rc.Routes {
		if err := validRoute(&rc.Routes[i]); err != nil {
			return err
		}
		if seen[rc.Routes[i].Path] {
			return InvalidArgument("routeConfig has the path %q twice", rc.Routes[i].Path)
		}
		seen[rc.Routes[i].Path] = true
	}
	return nil
}

func validRoute(p *PathConfig) error {
	if !strings.HasPrefix(p.Path, "/") || strings.Contains(strings.TrimSuffix(p.Path, "*"), "*") {
		return InvalidArgument("route path %q is invalid: starts with '/', '*' only at the end", p.Path)
	}
	if err := ValidName(p.FunctionName); err != nil {
		return err
	}
	if p.Qualifier != "" {
		if err := ValidQualifier(p.Qualifier); err != nil {
			return err
		}
	}
	methods, err := NormalizeMethods("route "+p.Path+" methods", p.Methods)
	if err != nil {
		return err
	}
	p.Methods = methods
	return validRewrite(p.Path, p.RewriteConfig)
}

func validRewrite(path string, rc *RewriteConfig) error {
	if rc == nil {
		return nil
	}
	n := len(rc.EqualRules) + len(rc.WildcardRules) + len(rc.RegexRules)
	if n > MaxRewriteRules {
		return InvalidArgument("route %s has %d rewrite rules, at most %d are allowed", path, n, MaxRewriteRules)
	}
	for _, r := range append(append(append([]RewriteRule{}, rc.EqualRules...), rc.WildcardRules...), rc.RegexRules...) {
		if r.Match == "" {
			return InvalidArgument("route %s has a rewrite rule without a match", path)
		}
	}
	for _, r := range rc.RegexRules {
		if _, err := regexp.Compile(r.Match); err != nil {
			return InvalidArgument("route %s regex rule %q does not compile: %v", path, r.Match, err)
		}
	}
	return nil
}

// DomainNotFound is the 404 for a domain the caller's account does not have.
func DomainNotFound(name string) *Error {
	return Errorf(http.StatusNotFound, "DomainNameNotFound", "custom domain '%s' does not exist", name)
}

// DomainExists is the 409 for a domain name that is taken, by any account.
func DomainExists(name string) *Error {
	return Errorf(http.StatusConflict, CodeDomainExists, "custom domain '%s' already exists", name)
}
