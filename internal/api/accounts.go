package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// Yun's own management API for tenants, admin only, under adminPrefix:
//
//	GET  /yun/v1/accounts                 list accounts
//	POST /yun/v1/accounts                 create an account and its first key
//	GET  /yun/v1/accounts/{id}            one account
//	PUT  /yun/v1/accounts/{id}            change name, limits, disabled
//	GET  /yun/v1/accounts/{id}/keys       its access keys (secrets hidden)
//	POST /yun/v1/accounts/{id}/keys       a new key (rotation: create, then disable the old one)
//	PUT  /yun/v1/keys/{keyId}             disable or enable a key
const adminPrefix = "/yun/v1/"

// AccountInput creates or changes an account.
type AccountInput struct {
	Name     *string       `json:"name"`
	Disabled *bool         `json:"disabled"`
	Limits   *store.Limits `json:"limits"`
}

// KeyInput changes an access key.
type KeyInput struct {
	Disabled *bool `json:"disabled"`
}

// AccountOutput is an account, and on creation its first key.
type AccountOutput struct {
	*store.Account
	AccessKey *store.AccessKey `json:"accessKey,omitempty"`
}

func (s *Server) accountRoutes() {
	p := "/yun/v1"
	s.handle("GET "+p+"/accounts", s.admin(s.listAccounts))
	s.handle("POST "+p+"/accounts", s.admin(s.createAccount))
	s.handle("GET "+p+"/accounts/{id}", s.admin(s.getAccount))
	s.handle("PUT "+p+"/accounts/{id}", s.admin(s.updateAccount))
	s.handle("GET "+p+"/accounts/{id}/keys", s.admin(s.listKeys))
	s.handle("POST "+p+"/accounts/{id}/keys", s.admin(s.createKey))
	s.handle("PUT "+p+"/keys/{keyId}", s.admin(s.updateKey))
}

// admin lets only callers of an admin account through.
func (s *Server) admin(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := s.account(r.Context(), accountID(r.Context()))
		if err != nil {
			return err
		}
		if !a.Admin {
			return fc.Errorf(http.StatusForbidden, fc.CodeAccessDenied, "only an admin account may manage accounts and keys")
		}
		return h(w, r)
	}
}

// account returns an account, cached; writes through this API invalidate.
func (s *Server) account(ctx context.Context, id string) (*store.Account, error) {
	return s.accountCache.get(id, func() (*store.Account, error) { return s.loadAccount(ctx, id) })
}

// loadAccount reads an account from the store.
func (s *Server) loadAccount(ctx context.Context, id string) (*store.Account, error) {
	a, err := s.store.GetAccount(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fc.Errorf(http.StatusNotFound, "AccountNotFound", "account '%s' does not exist", id)
	}
	return a, err
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) error {
	accounts, err := s.store.ListAccounts(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": accounts})
	return nil
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) error {
	var in AccountInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Name == nil || *in.Name == "" {
		return fc.InvalidArgument("name is required")
	}
	now := s.now().UTC().Format(timeFormat)
	a := &store.Account{ID: store.NewAccountID(), Name: *in.Name, Created: now}
	if err := applyAccount(a, &in); err != nil {
		return err
	}
	k := store.NewAccessKey(a.ID, now)
	if err := s.store.PutAccount(r.Context(), a); err != nil {
		return err
	}
	if err := s.store.PutAccessKey(r.Context(), k); err != nil {
		return err
	}
	s.applyAccountLimits(a)
	writeJSON(w, http.StatusOK, &AccountOutput{Account: a, AccessKey: k})
	return nil
}

func applyAccount(a *store.Account, in *AccountInput) error {
	if in.Name != nil {
		a.Name = *in.Name
	}
	if in.Disabled != nil {
		a.Disabled = *in.Disabled
	}
	if in.Limits != nil {
		l := *in.Limits
		if l.MaxFunctions < 0 || l.MaxInstances < 0 || l.MaxMemoryMB < 0 || l.RequestsPerSecond < 0 ||
			l.Burst < 0 || l.FunctionRequestsPerSecond < 0 || l.MaxConcurrentRequests < 0 {
			return fc.InvalidArgument("limits must not be negative: %+v", l)
		}
		a.Limits = l
	}
	return nil
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) error {
	a, err := s.account(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) error {
	var in AccountInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s.adminMu.Lock()
	defer s.adminMu.Unlock()
	cur, err := s.loadAccount(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	a := *cur
	if err := applyAccount(&a, &in); err != nil {
		return err
	}
	if a.ID == accountID(r.Context()) && a.Disabled {
		return fc.InvalidArgument("an admin cannot disable its own account")
	}
	if err := s.store.PutAccount(r.Context(), &a); err != nil {
		return err
	}
	s.accountCache.drop(a.ID)
	s.applyAccountLimits(&a)
	writeJSON(w, http.StatusOK, &a)
	return nil
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) error {
	a, err := s.account(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	keys, err := s.store.ListAccessKeys(r.Context(), a.ID)
	if err != nil {
		return err
	}
	out := make([]store.AccessKey, len(keys))
	for i, k := range keys {
		out[i] = *k
		out[i].Secret = "" // secrets are shown once, at creation
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": out})
	return nil
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) error {
	a, err := s.account(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	k := store.NewAccessKey(a.ID, s.now().UTC().Format(timeFormat))
	if err := s.store.PutAccessKey(r.Context(), k); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

func (s *Server) updateKey(w http.ResponseWriter, r *http.Request) error {
	var in KeyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id := r.PathValue("keyId")
	s.adminMu.Lock()
	defer s.adminMu.Unlock()
	k, err := s.store.GetAccessKey(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return fc.Errorf(http.StatusNotFound, "AccessKeyNotFound", "access key '%s' does not exist", id)
	}
	if err != nil {
		return err
	}
	if in.Disabled != nil {
		if *in.Disabled && id == callerKey(r) {
			return fc.InvalidArgument("a key cannot disable itself; create a new key and disable this one with it")
		}
		k.Disabled = *in.Disabled
	}
	if err := s.store.PutAccessKey(r.Context(), k); err != nil {
		return err
	}
	s.keys.drop(id)
	if k.Disabled {
		s.verifier.Forget(id)
	}
	k.Secret = ""
	writeJSON(w, http.StatusOK, k)
	return nil
}

// callerKey is the access key id the request was signed with.
func callerKey(r *http.Request) string {
	id, _ := r.Context().Value(keyAccessKey).(string)
	return id
}

// applyAccountLimits tells the scheduler an account's instance and memory
// quotas (the flow-control limits are read from the account on each
// request).
func (s *Server) applyAccountLimits(a *store.Account) {
	if sc, err := s.scaler(); err == nil {
		sc.SetAccountInstanceQuota(a.ID, a.Limits.MaxInstances)
		sc.SetAccountMemoryQuota(a.ID, a.Limits.MaxMemoryMB)
	}
}
