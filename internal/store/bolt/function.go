package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// CreateFunction stores f under accountID; the error wraps store.ErrExists
// if the account already has a function of that name.
func (s *Store) CreateFunction(ctx context.Context, accountID string, f *fc.Function) error {
	if err := requireIDs(accountID, f.FunctionName); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b, err := tx.Bucket(bucketFunctions).CreateBucketIfNotExists([]byte(accountID))
		if err != nil {
			return err
		}
		if b.Get([]byte(f.FunctionName)) != nil {
			return store.ErrExists
		}
		return putJSON(b, f.FunctionName, f)
	})
	if err != nil {
		return fmt.Errorf("function %q: %w", f.FunctionName, err)
	}
	return nil
}

// GetFunction returns the function, or an error wrapping store.ErrNotFound.
func (s *Store) GetFunction(ctx context.Context, accountID, name string) (*fc.Function, error) {
	f := new(fc.Function)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return getJSON(accountFunctions(tx, accountID), name, f)
	})
	if err != nil {
		return nil, fmt.Errorf("function %q: %w", name, err)
	}
	return f, nil
}

// UpdateFunction reads the function, passes it to update and stores the
// result, all in one write transaction, so concurrent updates serialise and
// none is lost. An error from update aborts the transaction and is returned
// as is; a result that update renamed is refused and nothing is stored.
func (s *Store) UpdateFunction(ctx context.Context, accountID, name string, update func(*fc.Function) error) (*fc.Function, error) {
	f := new(fc.Function)
	var abort error
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := accountFunctions(tx, accountID)
		if err := getJSON(b, name, f); err != nil {
			return err
		}
		if abort = update(f); abort != nil {
			return abort
		}
		if f.FunctionName != name {
			abort = fmt.Errorf("function %q: update may not rename it to %q", name, f.FunctionName)
			return abort
		}
		return putJSON(b, name, f)
	})
	switch {
	case abort != nil:
		return nil, abort
	case err != nil:
		return nil, fmt.Errorf("function %q: %w", name, err)
	}
	return f, nil
}

// DeleteFunction removes the function, or returns an error wrapping
// store.ErrNotFound.
func (s *Store) DeleteFunction(ctx context.Context, accountID, name string) error {
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := accountFunctions(tx, accountID)
		if b == nil || b.Get([]byte(name)) == nil {
			return store.ErrNotFound
		}
		return b.Delete([]byte(name))
	})
	if err != nil {
		return fmt.Errorf("function %q: %w", name, err)
	}
	return nil
}

// ListFunctions returns, sorted by name, up to limit functions of accountID
// whose names start with prefix and sort strictly after startAfter. A limit
// of zero or less means no limit.
func (s *Store) ListFunctions(ctx context.Context, accountID, prefix, startAfter string, limit int) ([]*fc.Function, error) {
	fns := []*fc.Function{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := accountFunctions(tx, accountID)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := seekAfter(c, prefix, startAfter); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
			if limit > 0 && len(fns) == limit {
				return nil
			}
			f := new(fc.Function)
			if err := json.Unmarshal(v, f); err != nil {
				return fmt.Errorf("function %q: %w", k, err)
			}
			fns = append(fns, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list functions of account %q: %w", accountID, err)
	}
	return fns, nil
}

// seekAfter positions c on the first key that starts no earlier than prefix
// and sorts strictly after startAfter.
func seekAfter(c *bbolt.Cursor, prefix, startAfter string) (k, v []byte) {
	if startAfter < prefix {
		return c.Seek([]byte(prefix))
	}
	k, v = c.Seek([]byte(startAfter))
	if k != nil && string(k) == startAfter {
		return c.Next()
	}
	return k, v
}

// CodeInUse says whether any function of any account refers to the code
// package checksum. It scans every function (see the package doc).
func (s *Store) CodeInUse(ctx context.Context, checksum string) (bool, error) {
	var inUse bool
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucketFunctions)
		c := root.Cursor()
		for account, v := c.First(); account != nil && !inUse; account, v = c.Next() {
			if v != nil {
				continue // not an account bucket
			}
			var err error
			if inUse, err = bucketUsesCode(root.Bucket(account), checksum); err != nil {
				return fmt.Errorf("account %q: %w", account, err)
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("code %q in use: %w", checksum, err)
	}
	return inUse, nil
}

// bucketUsesCode says whether a function in one account's bucket has
// checksum as its code or as one of its layers' code.
func bucketUsesCode(b *bbolt.Bucket, checksum string) (bool, error) {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var code struct {
			CodeChecksum string `json:"codeChecksum"`
			Layers       []struct {
				CodeChecksum string `json:"codeChecksum"`
			} `json:"layers"`
		}
		if err := json.Unmarshal(v, &code); err != nil {
			return false, fmt.Errorf("function %q: %w", k, err)
		}
		if code.CodeChecksum == checksum {
			return true, nil
		}
		for _, l := range code.Layers {
			if l.CodeChecksum == checksum {
				return true, nil
			}
		}
	}
	return false, nil
}

// accountFunctions is the functions bucket of accountID, nil if it has none.
func accountFunctions(tx *bbolt.Tx, accountID string) *bbolt.Bucket {
	return tx.Bucket(bucketFunctions).Bucket([]byte(accountID))
}

func requireIDs(accountID, name string) error {
	if err := requireID("account", accountID); err != nil {
		return err
	}
	return requireID("function", name)
}
