package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler"
	"github.com/yun-fc/yun/internal/store"
)

// Document kinds of the scaling configs (store.Doc). Names: provision
// "<function>/<qualifier>", concurrency "<function>".
const (
	kindProvision   = "provision"
	kindConcurrency = "concurrency"
)

// scaler is what the scaling operations need of the scheduler, besides
// invoking. The invoke path never reads the store: reservedConcurrency
// lives in the scheduler, set at start (RestoreScaling) and on every
// Put/Delete.
type scaler interface {
	Provisioned(key string) scheduler.ProvisionedStatus
	ProvisionChanged()
	SetReservedConcurrency(function string, n int)
	SetAccountInstanceQuota(account string, n int)
	AccountInstanceQuota(account string) int
	SetAccountMemoryQuota(account string, mb int)
	Instances(function string) []scheduler.InstanceInfo
}

var _ scaler = (*scheduler.Scheduler)(nil)

func (s *Server) scalingRoutes() {
	p := strings.TrimSuffix(apiPrefix, "/")
	s.handle("PUT "+p+"/functions/{name}/provision-config", s.putProvisionConfig)
	s.handle("GET "+p+"/functions/{name}/provision-config", s.getProvisionConfig)
	s.handle("DELETE "+p+"/functions/{name}/provision-config", s.deleteProvisionConfig)
	s.handle("GET "+p+"/provision-configs", s.listProvisionConfigs)
	s.handle("PUT "+p+"/functions/{name}/concurrency", s.putConcurrencyConfig)
	s.handle("GET "+p+"/functions/{name}/concurrency", s.getConcurrencyConfig)
	s.handle("DELETE "+p+"/functions/{name}/concurrency", s.deleteConcurrencyConfig)
	s.handle("GET "+p+"/concurrency-configs", s.listConcurrencyConfigs)
	s.handle("GET "+p+"/functions/{name}/instances", s.listInstances)
}

// scaler returns the scheduler's scaling side, or an error if the
// scheduler this server was given has none.
func (s *Server) scaler() (scaler, error) {
	sc, ok := s.sched.(scaler)
	if !ok {
		return nil, fc.Errorf(http.StatusNotImplemented, fc.CodeNotSupported, "this server's scheduler does not support scaling configs")
	}
	return sc, nil
}

// existingFunction returns the caller's function or FunctionNotFound.
func (s *Server) existingFunction(ctx context.Context, name string) (*fc.Function, error) {
	f, err := s.store.GetFunction(ctx, accountID(ctx), name)
	if err != nil {
		return nil, notFound(name, err)
	}
	return f, nil
}

// provisionTarget returns the Target that a qualifier's provisioned
// instances run, as the invoke path builds it so that its Key matches the
// scheduler's pools: LATEST's or the version's, or an alias's main version
// (canary weights do not split provisioned instances).
func (s *Server) provisionTarget(ctx context.Context, account, name, qualifier string) (*scheduler.Target, error) {
	version := qualifier
	if qualifier != fc.Latest && !fc.IsVersionID(qualifier) {
		v, err := s.resolved.get(qualifiedKey(account, name, qualifier), func() (any, error) {
			return s.loadAlias(ctx, account, name, qualifier)
		})
		if err != nil {
			return nil, err
		}
		version = v.(*fc.Alias).VersionID
	}
	res, err := s.resolveVersion(ctx, account, name, version)
	if err != nil {
		return nil, err
	}
	return res.target, nil
}

// RestoreScaling hands every account's instance and memory quotas
// (Limits.MaxInstances, Limits.MaxMemoryMB) and every stored reservedConcurrency to the scheduler; the daemon calls it
// once at start, before serving.
func (s *Server) RestoreScaling(ctx context.Context) error {
	sc, err := s.scaler()
	if err != nil {
		return nil // nothing to restore into
	}
	accounts, err := s.store.ListAccounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		sc.SetAccountInstanceQuota(a.ID, a.Limits.MaxInstances)
		sc.SetAccountMemoryQuota(a.ID, a.Limits.MaxMemoryMB)
	}
	docs, err := s.store.ListKind(ctx, kindConcurrency)
	if err != nil {
		return err
	}
	for _, d := range docs {
		var in fc.PutConcurrencyInput
		if err := json.Unmarshal(d.Value, &in); err != nil || in.ReservedConcurrency == nil {
			s.log.Warn("skip unreadable concurrency config", "account", d.AccountID, "function", d.Name, "err", err)
			continue
		}
		sc.SetReservedConcurrency(cacheKey(d.AccountID, d.Name), *in.ReservedConcurrency)
	}
	return nil
}

// ProvisionConfigs lists every stored provision config with the Target of
// its qualifier's current revision; it implements scheduler.ProvisionSource.
// Configs whose function, version or alias no longer exists are skipped.
func (s *Server) ProvisionConfigs(ctx context.Context) ([]scheduler.ProvisionEntry, error) {
	docs, err := s.store.ListKind(ctx, kindProvision)
	if err != nil {
		return nil, err
	}
	entries := make([]scheduler.ProvisionEntry, 0, len(docs))
	for _, d := range docs {
		name, qualifier := splitDocName(d.Name)
		t, err := s.provisionTarget(ctx, d.AccountID, name, qualifier)
		if isNotFound(err) {
			continue // the function, version or alias is gone
		}
		if err != nil {
			return nil, err
		}
		var in fc.PutProvisionConfigInput
		if err := json.Unmarshal(d.Value, &in); err != nil {
			s.log.Warn("skip unreadable provision config", "account", d.AccountID, "name", d.Name, "err", err)
			continue
		}
		entries = append(entries, scheduler.ProvisionEntry{Target: t, Config: &in})
	}
	return entries, nil
}

// dropScaling removes a deleted function's scaling configs and their
// effect in the scheduler. A store failure only leaves a config behind for
// a function that no longer exists (ProvisionConfigs skips it), so it is
// logged, not returned.
func (s *Server) dropScaling(account, name string) {
	ctx, cancel := contextWithTimeout(10 * time.Second)
	defer cancel()
	if sc, err := s.scaler(); err == nil {
		sc.SetReservedConcurrency(cacheKey(account, name), -1)
		defer sc.ProvisionChanged()
	}
	err := errors.Join(s.deleteDocs(ctx, account, kindProvision, name+"/"),
		ignoreNotFound(s.store.DeleteDoc(ctx, account, kindConcurrency, name)))
	if err != nil {
		s.log.Warn("drop scaling configs of deleted function", "account", account, "function", name, "err", err)
	}
}

func errorsIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// isNotFound reports whether err says that a function, version or alias
// does not exist, as the store or FC's 404 errors do.
func isNotFound(err error) bool {
	if e, ok := fc.AsError(err); ok {
		return e.Status == http.StatusNotFound
	}
	return errorsIsNotFound(err)
}

// splitDocName splits a provision doc's "<function>/<qualifier>".
func splitDocName(name string) (function, qualifier string) {
	function, qualifier, _ = strings.Cut(name, "/")
	return function, qualifier
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// nonNil makes a nil slice an empty one, so that it marshals as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// dropQualifierConfigs forgets the provision and async invoke configs of a
// qualifier that went away (a deleted version or alias).
func (s *Server) dropQualifierConfigs(ctx context.Context, account, name, qualifier string) {
	if err := ignoreNotFound(s.store.DeleteDoc(ctx, account, kindProvision, name+"/"+qualifier)); err != nil {
		s.log.Warn("drop provision config", "account", account, "function", name, "qualifier", qualifier, "err", err)
	}
	if sc, err := s.scaler(); err == nil {
		sc.ProvisionChanged()
	}
	if err := ignoreNotFound(s.store.DeleteDoc(ctx, account, kindAsyncConfig, name+"/"+qualifier)); err != nil {
		s.log.Warn("drop async invoke config", "account", account, "function", name, "qualifier", qualifier, "err", err)
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, qualifier) + "#async")
}

// triggerOn refuses, with 409 code, the deletion of a qualifier that a
// trigger invokes: the trigger would fire into nothing, and a later version
// or alias of that name would inherit it. The caller holds web.mu.
func (s *Server) triggerOn(ctx context.Context, account, name, qualifier, code, what string) error {
	ts, err := s.triggers(ctx, account, name)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if triggerQualifier(t) == qualifier {
			return fc.Errorf(http.StatusConflict, code, "%s of function '%s' is used by trigger '%s'; delete or move the trigger first",
				what, name, t.TriggerName)
		}
	}
	return nil
}
