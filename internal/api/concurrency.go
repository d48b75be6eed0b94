package api

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// Concurrency configs (fc3-api.md §2): a function's reservedConcurrency,
// the cap on its instances, provisioned and on-demand together. Stored per
// function and held by the scheduler, which enforces it on every invoke.

func (s *Server) putConcurrencyConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	var in fc.PutConcurrencyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sc, err := s.scaler()
	if err != nil {
		return err
	}
	if err := in.Validate(sc.AccountInstanceQuota(account)); err != nil {
		return err
	}
	if _, err := s.existingFunction(ctx, name); err != nil {
		return err
	}
	if err := s.putDoc(ctx, account, kindConcurrency, name, &in); err != nil {
		return err
	}
	sc.SetReservedConcurrency(cacheKey(account, name), *in.ReservedConcurrency)
	writeJSON(w, http.StatusOK, s.concurrencyConfig(account, name, *in.ReservedConcurrency))
	return nil
}

func (s *Server) getConcurrencyConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	if _, err := s.existingFunction(ctx, name); err != nil {
		return err
	}
	d, err := s.store.GetDoc(ctx, account, kindConcurrency, name)
	if errorsIsNotFound(err) {
		return fc.ConcurrencyConfigNotFound(name)
	}
	if err != nil {
		return err
	}
	out, err := s.concurrencyDoc(d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteConcurrencyConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	sc, err := s.scaler()
	if err != nil {
		return err
	}
	if _, err := s.existingFunction(ctx, name); err != nil {
		return err
	}
	err = s.store.DeleteDoc(ctx, account, kindConcurrency, name)
	if errorsIsNotFound(err) {
		return fc.ConcurrencyConfigNotFound(name)
	}
	if err != nil {
		return err
	}
	sc.SetReservedConcurrency(cacheKey(account, name), -1)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listConcurrencyConfigs(w http.ResponseWriter, r *http.Request) error {
	ctx, account := r.Context(), accountID(r.Context())
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	fn := r.URL.Query().Get("functionName") // one function's, as for provision configs
	docs, err := s.store.ListDocs(ctx, account, kindConcurrency, fn, p.startAfter, p.limit+1)
	if err != nil {
		return err
	}
	if fn != "" {
		docs = slices.DeleteFunc(docs, func(d *store.Doc) bool { return d.Name != fn })
	}
	out := &fc.ListConcurrencyConfigsOutput{Configs: []*fc.ConcurrencyConfig{}}
	for i, d := range docs {
		if i == p.limit {
			out.NextToken = nextToken(docs[i-1].Name)
			break
		}
		cfg, err := s.concurrencyDoc(d)
		if err != nil {
			return err
		}
		out.Configs = append(out.Configs, cfg)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) concurrencyDoc(d *store.Doc) (*fc.ConcurrencyConfig, error) {
	var in fc.PutConcurrencyInput
	if err := json.Unmarshal(d.Value, &in); err != nil {
		return nil, err
	}
	return s.concurrencyConfig(d.AccountID, d.Name, deref(in.ReservedConcurrency)), nil
}

func (s *Server) concurrencyConfig(account, name string, n int) *fc.ConcurrencyConfig {
	return &fc.ConcurrencyConfig{FunctionArn: fc.FunctionARN(s.cfg.Region, account, name), ReservedConcurrency: n}
}
