package api

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/yun-fc/yun/internal/fc"
)

// domainTable maps host names to compiled custom domains, so that matching
// a request's Host reads memory only. It is loaded from the store on first
// use and again after every domain write on this node (invalidate); a
// generation counter keeps a load that raced with a write from installing a
// stale table.
type domainTable struct {
	mu    sync.RWMutex
	gen   uint64
	hosts map[string]*domainEntry // nil until loaded
}

func newDomainTable() *domainTable { return &domainTable{} }

// domainEntry is one compiled custom domain.
type domainEntry struct {
	name   string
	routes []domainRoute // exact paths first, then prefixes, longest first
}

// domainRoute matches a path exactly ("/login") or by prefix ("/api/*"
// matches "/api/" and everything below it; "/*" matches every path).
type domainRoute struct {
	path   string // the prefix without its '*' when prefix is set
	prefix bool
	route  *webRoute
}

func (t *domainTable) lookup(host string, load func() (map[string]*domainEntry, error)) (*domainEntry, error) {
	t.mu.RLock()
	hosts, gen := t.hosts, t.gen
	t.mu.RUnlock()
	if hosts == nil {
		loaded, err := load()
		if err != nil {
			return nil, err
		}
		t.mu.Lock()
		if t.gen == gen {
			t.hosts = loaded
		}
		t.mu.Unlock()
		hosts = loaded
	}
	return hosts[host], nil
}

func (t *domainTable) invalidate() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	t.hosts = nil
}

// match finds the route of a decoded path: an exact route first, then the
// longest matching prefix.
func (e *domainEntry) match(path string) (*webRoute, error) {
	for _, r := range e.routes {
		if (!r.prefix && r.path == path) || (r.prefix && strings.HasPrefix(path, r.path)) {
			return r.route, nil
		}
	}
	return nil, fc.Errorf(http.StatusNotFound, "RouteNotFound", "custom domain '%s' has no route for path '%s'", e.name, path)
}

// domainFor returns the custom domain r's Host names, if any. A table that
// cannot be loaded is logged and treated as empty, so that the API itself
// keeps working.
func (s *Server) domainFor(r *http.Request) *domainEntry {
	host := hostOnly(r.Host)
	if host == "" {
		return nil
	}
	d, err := s.web.domains.lookup(host, func() (map[string]*domainEntry, error) { return s.loadDomains(r.Context()) })
	if err != nil {
		s.log.Error("load custom domains", "err", err)
		return nil
	}
	return d
}

// loadDomains compiles every account's custom domains. One that no longer
// compiles is logged and left out rather than taking the others down.
func (s *Server) loadDomains(ctx context.Context) (map[string]*domainEntry, error) {
	docs, err := s.store.ListKind(ctx, kindDomain)
	if err != nil {
		return nil, err
	}
	hosts := make(map[string]*domainEntry, len(docs))
	for _, doc := range docs {
		d := new(fc.CustomDomain)
		err := json.Unmarshal(doc.Value, d)
		var e *domainEntry
		if err == nil {
			e, err = s.compileDomain(doc.AccountID, d)
		}
		if err != nil {
			s.log.Error("custom domain left out", "domain", doc.Name, "account", doc.AccountID, "err", err)
			continue
		}
		hosts[e.name] = e
	}
	return hosts, nil
}

// compileDomain builds the routes of an account's domain; auth and CORS are
// the domain's, shared by its routes.
func (s *Server) compileDomain(account string, d *fc.CustomDomain) (*domainEntry, error) {
	var auth webAuth
	if a := d.AuthConfig; a != nil {
		var err error
		if auth, err = s.compileAuth(account, a.AuthType, a.AuthInfo); err != nil {
			return nil, err
		}
	}
	e := &domainEntry{name: d.DomainName}
	if d.RouteConfig == nil {
		return e, nil
	}
	for _, p := range d.RouteConfig.Routes {
		rw, err := newRewriter(p.RewriteConfig)
		if err != nil {
			return nil, err
		}
		q := p.Qualifier
		if q == "" {
			q = fc.Latest
		}
		rt := &webRoute{account: account, function: p.FunctionName, qualifier: q, methods: p.Methods,
			auth: auth, cors: newCORSPolicy(d.CORSConfig, p.Methods), rewrite: rw}
		path, prefix := strings.CutSuffix(p.Path, "*")
		e.routes = append(e.routes, domainRoute{path: path, prefix: prefix, route: rt})
	}
	sort.SliceStable(e.routes, func(i, j int) bool {
		a, b := e.routes[i], e.routes[j]
		if a.prefix != b.prefix {
			return !a.prefix
		}
		return len(a.path) > len(b.path)
	})
	return e, nil
}
