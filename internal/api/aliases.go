package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

func (s *Server) createAlias(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	var in fc.AliasInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.AliasName == nil {
		return fc.InvalidArgument("aliasName is required")
	}
	if err := fc.ValidAliasName(*in.AliasName); err != nil {
		return err
	}
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	if _, err := s.store.GetDoc(ctx, account, kindAlias, name+"/"+*in.AliasName); err == nil {
		return fc.Errorf(http.StatusConflict, "AliasAlreadyExists", "alias '%s' of function '%s' already exists", *in.AliasName, name)
	}
	now := s.now().UTC().Format(timeFormat)
	a := &fc.Alias{AliasName: *in.AliasName, CreatedTime: now}
	return s.saveAlias(w, r, account, name, a, &in)
}

func (s *Server) updateAlias(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name, alias := r.Context(), accountID(r.Context()), r.PathValue("name"), r.PathValue("aliasName")
	var in fc.AliasInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.AliasName != nil && *in.AliasName != alias {
		return fc.InvalidArgument("aliasName cannot be changed by UpdateAlias")
	}
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	a, err := s.loadAlias(ctx, account, name, alias)
	if err != nil {
		return err
	}
	return s.saveAlias(w, r, account, name, a, &in)
}

// saveAlias applies the input, checks that the versions exist, stores the
// alias and answers it. The caller holds versionMu.
func (s *Server) saveAlias(w http.ResponseWriter, r *http.Request, account, name string, a *fc.Alias, in *fc.AliasInput) error {
	ctx := r.Context()
	if in.VersionID != nil {
		a.VersionID = *in.VersionID
	}
	if in.Description != nil {
		a.Description = *in.Description
	}
	if in.AdditionalVersionWeight != nil {
		a.AdditionalVersionWeight = in.AdditionalVersionWeight
	}
	if err := fc.ValidAliasRouting(a); err != nil {
		return err
	}
	for _, v := range append([]string{a.VersionID}, mapKeys(a.AdditionalVersionWeight)...) {
		if _, err := s.getVersion(ctx, account, name, v); err != nil {
			return err
		}
	}
	a.LastModifiedTime = s.now().UTC().Format(timeFormat)
	if err := s.putDoc(ctx, account, kindAlias, name+"/"+a.AliasName, a); err != nil {
		return err
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, a.AliasName))
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) getAlias(w http.ResponseWriter, r *http.Request) error {
	a, err := s.loadAlias(r.Context(), accountID(r.Context()), r.PathValue("name"), r.PathValue("aliasName"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) deleteAlias(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name, alias := r.Context(), accountID(r.Context()), r.PathValue("name"), r.PathValue("aliasName")
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	if _, err := s.loadAlias(ctx, account, name, alias); err != nil {
		return err
	}
	s.web.mu.Lock() // no trigger is created on the alias meanwhile
	defer s.web.mu.Unlock()
	if err := s.triggerOn(ctx, account, name, alias, "AliasInUse", "alias '"+alias+"'"); err != nil {
		return err
	}
	if err := s.store.DeleteDoc(ctx, account, kindAlias, name+"/"+alias); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, alias))
	s.dropQualifierConfigs(ctx, account, name, alias)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listAliases(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	if _, err := s.store.GetFunction(ctx, account, name); err != nil {
		return notFound(name, err)
	}
	docs, err := s.store.ListDocs(ctx, account, kindAlias, name+"/"+p.prefix, name+"/"+p.startAfter, p.limit+1)
	if err != nil {
		return err
	}
	out := &fc.ListAliasesOutput{Aliases: []*fc.Alias{}}
	for _, d := range docs {
		a := new(fc.Alias)
		if err := json.Unmarshal(d.Value, a); err != nil {
			return err
		}
		out.Aliases = append(out.Aliases, a)
	}
	if len(out.Aliases) > p.limit {
		out.Aliases = out.Aliases[:p.limit]
		out.NextToken = nextToken(out.Aliases[p.limit-1].AliasName)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// aliases lists every alias of a function.
func (s *Server) aliases(ctx context.Context, account, name string) ([]*fc.Alias, error) {
	docs, err := s.store.ListDocs(ctx, account, kindAlias, name+"/", "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]*fc.Alias, 0, len(docs))
	for _, d := range docs {
		a := new(fc.Alias)
		if err := json.Unmarshal(d.Value, a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
