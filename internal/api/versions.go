package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// Document kinds of versions and aliases (see store.Doc).
const (
	kindVersion    = "version"    // {function}/{id, zero-padded}: versionDoc
	kindVersionSeq = "versionseq" // {function}: the last id handed out
	kindAlias      = "alias"      // {function}/{alias}: fc.Alias
)

// versionDoc is a published version: its metadata and the function as it was.
type versionDoc struct {
	Version  fc.Version  `json:"version"`
	Function fc.Function `json:"function"`
}

func versionDocName(function, id string) string {
	n, _ := strconv.ParseUint(id, 10, 32)
	return fmt.Sprintf("%s/%010d", function, n)
}

func (s *Server) getVersion(ctx context.Context, account, name, id string) (*versionDoc, error) {
	d, err := s.store.GetDoc(ctx, account, kindVersion, versionDocName(name, id))
	if errors.Is(err, store.ErrNotFound) {
		if _, ferr := s.store.GetFunction(ctx, account, name); ferr != nil {
			return nil, notFound(name, ferr)
		}
		return nil, fc.VersionNotFound(name, id)
	}
	if err != nil {
		return nil, err
	}
	vd := new(versionDoc)
	return vd, json.Unmarshal(d.Value, vd)
}

// publishFunctionVersion snapshots LATEST. Version ids are never reused,
// even after the newest version is deleted.
func (s *Server) publishFunctionVersion(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	var in fc.PublishVersionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	s.codeRefs.RLock() // LATEST's package is not collected before the version refers to it
	defer s.codeRefs.RUnlock()
	f, err := s.store.GetFunction(ctx, account, name)
	if err != nil {
		return notFound(name, err)
	}
	last, err := s.lastSeq(ctx, account, kindVersionSeq, name)
	if err != nil {
		return err
	}
	now := s.now().UTC().Format(timeFormat)
	vd := &versionDoc{Version: fc.Version{VersionID: strconv.Itoa(last + 1), CreatedTime: now, LastModifiedTime: now}, Function: *f}
	if in.Description != nil {
		vd.Version.Description = *in.Description
	}
	if err := s.putDoc(ctx, account, kindVersionSeq, name, map[string]int{"last": last + 1}); err != nil {
		return err
	}
	if err := s.putDoc(ctx, account, kindVersion, versionDocName(name, vd.Version.VersionID), vd); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, &vd.Version)
	return nil
}

// listFunctionVersions pages through versions, newest first (BACKWARD, the
// default) or oldest first (FORWARD). The token is the last id returned.
func (s *Server) listFunctionVersions(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	dir := r.URL.Query().Get("direction")
	if dir == "" {
		dir = "BACKWARD"
	}
	if dir != "BACKWARD" && dir != "FORWARD" {
		return fc.InvalidArgument("direction %q is invalid: BACKWARD or FORWARD", dir)
	}
	if _, err := s.store.GetFunction(ctx, account, name); err != nil {
		return notFound(name, err)
	}
	versions, err := s.versions(ctx, account, name)
	if err != nil {
		return err
	}
	if dir == "BACKWARD" {
		slices.Reverse(versions)
	}
	out := &fc.ListVersionsOutput{Versions: pageVersions(versions, p.startAfter, dir), Direction: dir}
	if len(out.Versions) > p.limit {
		out.Versions = out.Versions[:p.limit]
		out.NextToken = nextToken(out.Versions[p.limit-1].VersionID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// pageVersions returns the versions after the token's id in the direction.
func pageVersions(versions []*fc.Version, after, dir string) []*fc.Version {
	if after == "" {
		return versions
	}
	a, _ := strconv.Atoi(after)
	for i, v := range versions {
		id, _ := strconv.Atoi(v.VersionID)
		if (dir == "FORWARD" && id > a) || (dir == "BACKWARD" && id < a) {
			return versions[i:]
		}
	}
	return []*fc.Version{}
}

// versions lists a function's versions, oldest first.
func (s *Server) versions(ctx context.Context, account, name string) ([]*fc.Version, error) {
	docs, err := s.store.ListDocs(ctx, account, kindVersion, name+"/", "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]*fc.Version, 0, len(docs))
	for _, d := range docs {
		var vd versionDoc
		if err := json.Unmarshal(d.Value, &vd); err != nil {
			return nil, fmt.Errorf("version %s: %w", d.Name, err)
		}
		out = append(out, &vd.Version)
	}
	return out, nil
}

// deleteFunctionVersion refuses while an alias routes to the version.
func (s *Server) deleteFunctionVersion(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name, id := r.Context(), accountID(r.Context()), r.PathValue("name"), r.PathValue("versionId")
	if !fc.IsVersionID(id) {
		return fc.VersionNotFound(name, id)
	}
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	vd, err := s.getVersion(ctx, account, name, id)
	if err != nil {
		return err
	}
	aliases, err := s.aliases(ctx, account, name)
	if err != nil {
		return err
	}
	for _, a := range aliases {
		if _, canary := a.AdditionalVersionWeight[id]; a.VersionID == id || canary {
			return fc.Errorf(http.StatusConflict, "VersionInUse", "version '%s' of function '%s' is used by alias '%s'", id, name, a.AliasName)
		}
	}
	s.web.mu.Lock() // no trigger is created on the version meanwhile
	defer s.web.mu.Unlock()
	if err := s.triggerOn(ctx, account, name, id, "VersionInUse", "version '"+id+"'"); err != nil {
		return err
	}
	if err := s.store.DeleteDoc(ctx, account, kindVersion, versionDocName(name, id)); err != nil {
		return err
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, id))
	s.dropQualifierConfigs(ctx, account, name, id)
	s.collectCode(vd.Function.CodeChecksum)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// versionsCode lists the code packages of a function's versions, for
// collection; an unreadable version only leaves its package behind.
func (s *Server) versionsCode(ctx context.Context, account, name string) ([]string, error) {
	docs, err := s.store.ListDocs(ctx, account, kindVersion, name+"/", "", 0)
	if err != nil {
		return nil, err
	}
	sums := make([]string, 0, len(docs))
	for _, d := range docs {
		var vd versionDoc
		if json.Unmarshal(d.Value, &vd) == nil {
			sums = append(sums, vd.Function.CodeChecksum)
		}
	}
	return sums, nil
}

// deleteVersionsAndAliases removes everything published for a function that
// is being deleted.
func (s *Server) deleteVersionsAndAliases(ctx context.Context, account, name string) error {
	for _, kind := range []string{kindVersion, kindAlias} {
		if err := s.deleteDocs(ctx, account, kind, name+"/"); err != nil {
			return err
		}
	}
	return ignoreNotFound(s.store.DeleteDoc(ctx, account, kindVersionSeq, name))
}
