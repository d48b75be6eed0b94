package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/yun-fc/yun/internal/store"
)

// PutAccount creates or replaces the account a.ID.
func (s *Store) PutAccount(ctx context.Context, a *store.Account) error {
	if err := requireID("account", a.ID); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket(bucketAccounts), a.ID, a)
	})
	if err != nil {
		return fmt.Errorf("put account %q: %w", a.ID, err)
	}
	return nil
}

// GetAccount returns the account id, or an error wrapping store.ErrNotFound.
func (s *Store) GetAccount(ctx context.Context, id string) (*store.Account, error) {
	a := new(store.Account)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketAccounts), id, a)
	})
	if err != nil {
		return nil, fmt.Errorf("account %q: %w", id, err)
	}
	return a, nil
}

// ListAccounts returns every account, sorted by ID.
func (s *Store) ListAccounts(ctx context.Context) ([]*store.Account, error) {
	accounts := []*store.Account{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
			a := new(store.Account)
			if err := json.Unmarshal(v, a); err != nil {
				return fmt.Errorf("account %q: %w", k, err)
			}
			accounts = append(accounts, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return accounts, nil
}

// PutAccessKey creates or replaces the access key k.ID.
func (s *Store) PutAccessKey(ctx context.Context, k *store.AccessKey) error {
	if err := requireID("access key", k.ID); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket(bucketKeys), k.ID, k)
	})
	if err != nil {
		return fmt.Errorf("put access key %q: %w", k.ID, err)
	}
	return nil
}

// GetAccessKey returns the access key id, or an error wrapping store.ErrNotFound.
func (s *Store) GetAccessKey(ctx context.Context, id string) (*store.AccessKey, error) {
	k := new(store.AccessKey)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return getJSON(tx.Bucket(bucketKeys), id, k)
	})
	if err != nil {
		return nil, fmt.Errorf("access key %q: %w", id, err)
	}
	return k, nil
}

// ListAccessKeys returns the access keys of accountID, sorted by key ID.
func (s *Store) ListAccessKeys(ctx context.Context, accountID string) ([]*store.AccessKey, error) {
	keys := []*store.AccessKey{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketKeys).ForEach(func(id, v []byte) error {
			k := new(store.AccessKey)
			if err := json.Unmarshal(v, k); err != nil {
				return fmt.Errorf("access key %q: %w", id, err)
			}
			if k.AccountID == accountID {
				keys = append(keys, k)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list access keys of account %q: %w", accountID, err)
	}
	return keys, nil
}
