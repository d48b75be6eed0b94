package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// kindDomain documents are {domainName}: fc.CustomDomain, in the owning
// account. Domain names are global: no two accounts hold the same one.
// Requests whose path starts with /2023-03-30/ or /yun/ are never routed
// to a domain (see matchWeb).
const kindDomain = "domain"

func (s *Server) domainRoutes() {
	p := "/2023-03-30/custom-domains"
	s.handle("POST "+p, s.createCustomDomain)
	s.handle("GET "+p, s.listCustomDomains)
	s.handle("GET "+p+"/{domainName}", s.getCustomDomain)
	s.handle("PUT "+p+"/{domainName}", s.updateCustomDomain)
	s.handle("DELETE "+p+"/{domainName}", s.deleteCustomDomain)
}

func (s *Server) createCustomDomain(w http.ResponseWriter, r *http.Request) error {
	ctx, account := r.Context(), accountID(r.Context())
	var in fc.CustomDomainInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d := new(fc.CustomDomain)
	if err := fc.ApplyDomain(d, &in, true); err != nil {
		return err
	}
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	if err := s.domainFree(ctx, d.DomainName); err != nil {
		return err
	}
	now := s.now().UTC().Format(timeFormat)
	d.AccountID, d.CreatedTime = account, now
	return s.saveDomain(w, r, d)
}

func (s *Server) updateCustomDomain(w http.ResponseWriter, r *http.Request) error {
	ctx, account := r.Context(), accountID(r.Context())
	var in fc.CustomDomainInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	d, err := s.loadDomain(ctx, account, r.PathValue("domainName"))
	if err != nil {
		return err
	}
	if err := fc.ApplyDomain(d, &in, false); err != nil {
		return err
	}
	return s.saveDomain(w, r, d)
}

// saveDomain checks, stores and answers a domain. The caller holds web.mu.
func (s *Server) saveDomain(w http.ResponseWriter, r *http.Request, d *fc.CustomDomain) error {
	if err := s.checkDomain(r, d); err != nil {
		return err
	}
	d.LastModifiedTime = s.now().UTC().Format(timeFormat)
	if err := s.putDoc(r.Context(), d.AccountID, kindDomain, d.DomainName, d); err != nil {
		return err
	}
	s.web.domains.invalidate()
	writeJSON(w, http.StatusOK, domainView(d))
	return nil
}

// checkDomain validates a domain and compiles it (JWT keys, rewrite rules).
// A domain may not take the host the API itself is reached at.
func (s *Server) checkDomain(r *http.Request, d *fc.CustomDomain) error {
	if err := fc.ValidateDomain(d); err != nil {
		return err
	}
	own := []string{hostOnly(r.Host)}
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Host != "" {
		own = append(own, hostOnly(u.Host))
	}
	for _, h := range own {
		if d.DomainName == h {
			return fc.InvalidArgument("domainName %q is the host of Yun's API itself", d.DomainName)
		}
	}
	_, err := s.compileDomain(d.AccountID, d)
	return err
}

// domainFree refuses a name that any account holds already.
func (s *Server) domainFree(ctx context.Context, name string) error {
	docs, err := s.store.ListKind(ctx, kindDomain)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		if doc.Name == name {
			return fc.DomainExists(name)
		}
	}
	return nil
}

func (s *Server) loadDomain(ctx context.Context, account, name string) (*fc.CustomDomain, error) {
	doc, err := s.store.GetDoc(ctx, account, kindDomain, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fc.DomainNotFound(name)
	}
	if err != nil {
		return nil, err
	}
	d := new(fc.CustomDomain)
	return d, json.Unmarshal(doc.Value, d)
}
