package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// domainView is a domain as the API answers it: without the certificate's
// private key.
func domainView(d *fc.CustomDomain) *fc.CustomDomain {
	v := *d
	if v.CertConfig != nil {
		c := *v.CertConfig
		c.PrivateKey = ""
		v.CertConfig = &c
	}
	return &v
}

func (s *Server) getCustomDomain(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadDomain(r.Context(), accountID(r.Context()), r.PathValue("domainName"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, domainView(d))
	return nil
}

func (s *Server) deleteCustomDomain(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("domainName")
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	if err := s.store.DeleteDoc(ctx, account, kindDomain, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fc.DomainNotFound(name)
		}
		return err
	}
	s.web.domains.invalidate()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listCustomDomains(w http.ResponseWriter, r *http.Request) error {
	ctx, account := r.Context(), accountID(r.Context())
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	docs, err := s.store.ListDocs(ctx, account, kindDomain, p.prefix, p.startAfter, p.limit+1)
	if err != nil {
		return err
	}
	out := &fc.ListCustomDomainOutput{CustomDomains: make([]*fc.CustomDomain, 0, len(docs))}
	for _, doc := range docs {
		d := new(fc.CustomDomain)
		if err := json.Unmarshal(doc.Value, d); err != nil {
			return err
		}
		out.CustomDomains = append(out.CustomDomains, domainView(d))
	}
	if len(out.CustomDomains) > p.limit {
		out.CustomDomains = out.CustomDomains[:p.limit]
		out.NextToken = nextToken(out.CustomDomains[p.limit-1].DomainName)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
