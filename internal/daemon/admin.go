package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yun-fc/yun/internal/store"
)

// ensureAdmin makes sure an admin account and an admin access key exist and
// returns the key the local CLI should use. On first start it creates both,
// from the configured key pair if one is given.
func ensureAdmin(ctx context.Context, st store.Store, cfg *Config) (*store.AccessKey, error) {
	accounts, err := st.ListAccounts(ctx)
	if err != nil {
		return nil, err
	}
	var admin *store.Account
	for _, a := range accounts {
		if a.Admin && !a.Disabled {
			admin = a
			break
		}
	}
	now := time.Now().UTC().Format(time.RFC3339)
	if admin == nil {
		admin = &store.Account{ID: store.NewAccountID(), Name: "admin", Admin: true, Created: now}
		if err := st.PutAccount(ctx, admin); err != nil {
			return nil, fmt.Errorf("create admin account: %w", err)
		}
	}
	if cfg.AdminAccessKeyID != "" {
		return ensureKey(ctx, st, admin.ID, cfg.AdminAccessKeyID, cfg.AdminAccessKeySecret, now)
	}
	keys, err := st.ListAccessKeys(ctx, admin.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if !k.Disabled {
			return k, nil
		}
	}
	k := store.NewAccessKey(admin.ID, now)
	return ensureKey(ctx, st, admin.ID, k.ID, k.Secret, now)
}

// ensureKey stores the key for the account unless it exists; a configured
// key that belongs to another account or has another secret is an error, so
// that a typo never silently locks the operator out.
func ensureKey(ctx context.Context, st store.Store, account, id, secret, now string) (*store.AccessKey, error) {
	k, err := st.GetAccessKey(ctx, id)
	switch {
	case err == nil && (k.AccountID != account || k.Secret != secret):
		return nil, fmt.Errorf("access key %s exists with another secret or account", id)
	case err == nil:
		return k, nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	k = &store.AccessKey{ID: id, Secret: secret, AccountID: account, Created: now}
	if err := st.PutAccessKey(ctx, k); err != nil {
		return nil, fmt.Errorf("create admin access key: %w", err)
	}
	return k, nil
}
