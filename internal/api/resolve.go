package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler"
	"github.com/yun-fc/yun/internal/store"
)

// resolved is a function at one version, ready to invoke.
type resolved struct {
	fn      *fc.Function
	version string // LATEST or a version id
	target  *scheduler.Target
	// The response headers naming the code and the version, made once.
	checksumHeader, versionHeader []string
}

func newResolved(f *fc.Function, version string, target *scheduler.Target) *resolved {
	return &resolved{fn: f, version: version, target: target,
		checksumHeader: []string{f.CodeChecksum}, versionHeader: []string{version}}
}

func qualifiedKey(account, name, qualifier string) string {
	return account + "/" + name + "/" + qualifier
}

// resolve turns a qualifier (LATEST, a version id or an alias) into the
// function version to run. An alias with a canary weight picks its version
// per call.
func (s *Server) resolve(ctx context.Context, account, name, qualifier string) (*resolved, error) {
	switch {
	case qualifier == "" || qualifier == fc.Latest:
		return s.resolveVersion(ctx, account, name, fc.Latest)
	case fc.IsVersionID(qualifier):
		return s.resolveVersion(ctx, account, name, qualifier)
	}
	v, err := s.resolved.get(qualifiedKey(account, name, qualifier), func() (any, error) {
		return s.loadAlias(ctx, account, name, qualifier)
	})
	if err != nil {
		return nil, err
	}
	return s.resolveVersion(ctx, account, name, pickVersion(v.(*fc.Alias), rand.Float64()))
}

// pickVersion chooses the alias's version: the additional version with its
// weight's probability, else the main one. r is uniform in [0, 1).
func pickVersion(a *fc.Alias, r float64) string {
	for v, w := range a.AdditionalVersionWeight {
		if r < w {
			return v
		}
	}
	return a.VersionID
}

func (s *Server) resolveVersion(ctx context.Context, account, name, version string) (*resolved, error) {
	v, err := s.resolved.get(qualifiedKey(account, name, version), func() (any, error) {
		f, err := s.loadVersion(ctx, account, name, version)
		if err != nil {
			return nil, err
		}
		if err := s.fillLayerChecksums(ctx, account, f); err != nil {
			return nil, err
		}
		return newResolved(f, version, s.target(account, f, version)), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*resolved), nil
}

// loadVersion reads LATEST or a version snapshot from the store.
func (s *Server) loadVersion(ctx context.Context, account, name, version string) (*fc.Function, error) {
	if version == fc.Latest {
		f, err := s.store.GetFunction(ctx, account, name)
		return f, notFound(name, err)
	}
	vd, err := s.getVersion(ctx, account, name, version)
	if err != nil {
		return nil, err
	}
	return &vd.Function, nil
}

func (s *Server) loadAlias(ctx context.Context, account, name, alias string) (*fc.Alias, error) {
	if _, err := s.resolveVersion(ctx, account, name, fc.Latest); err != nil {
		return nil, err
	}
	d, err := s.store.GetDoc(ctx, account, kindAlias, name+"/"+alias)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fc.AliasNotFound(name, alias)
	}
	if err != nil {
		return nil, err
	}
	a := new(fc.Alias)
	return a, json.Unmarshal(d.Value, a)
}

// revision fingerprints what a function's instances are made from: instances
// started for one revision are never used for another. Fields that do not
// change an instance (times, the invocation restriction) are left out, so
// disabling and enabling invocation does not cold-start the function.
func revision(f *fc.Function) string {
	g := *f
	g.CreatedTime, g.LastModifiedTime, g.InvocationRestriction = "", "", nil
	b, _ := json.Marshal(&g)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
