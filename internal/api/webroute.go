package api

import (
	"slices"

	"github.com/yun-fc/yun/internal/fc"
)

// webRoute is one compiled way in from plain HTTP: an HTTP trigger, or a
// route of a custom domain. It is built once, when its configuration is
// loaded, so that the request path only runs it.
type webRoute struct {
	account   string
	function  string
	qualifier string
	methods   []string    // empty: every method
	auth      webAuth     // nil: anonymous
	cors      *corsPolicy // nil: no CORS handling
	rewrite   *rewriter   // nil: path unchanged
	trigger   string      // the trigger's name; "" for a domain route
	triggerID string
}

// allows says whether the route takes the method.
func (rt *webRoute) allows(method string) bool {
	return len(rt.methods) == 0 || slices.Contains(rt.methods, method)
}

// compileAuth builds the auth of an authType and its configuration text.
func (s *Server) compileAuth(account, authType, authConfig string) (webAuth, error) {
	switch authType {
	case "", fc.AuthAnonymous:
		return nil, nil
	case fc.AuthFunction:
		return signatureAuth{s: s, account: account}, nil
	case fc.AuthJWT:
		return newJWTAuth(authConfig, s.now)
	}
	return nil, fc.ValidAuthType("authType", authType)
}

// triggerRoute compiles an HTTP trigger of account's function.
func (s *Server) triggerRoute(account, function string, t *fc.Trigger) (*webRoute, error) {
	c, err := fc.ParseHTTPTriggerConfig(t.TriggerConfig)
	if err != nil {
		return nil, err
	}
	auth, err := s.compileAuth(account, c.AuthType, string(c.AuthConfig))
	if err != nil {
		return nil, err
	}
	return &webRoute{account: account, function: function, qualifier: triggerQualifier(t), methods: c.Methods,
		auth: auth, cors: newCORSPolicy(c.CORSConfig, c.Methods), trigger: t.TriggerName, triggerID: t.TriggerID}, nil
}

// triggerQualifier is the qualifier a trigger invokes: LATEST when unset.
func triggerQualifier(t *fc.Trigger) string {
	if t.Qualifier == "" {
		return fc.Latest
	}
	return t.Qualifier
}
