package bolt

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	bbolt "go.etcd.io/bbolt"

	"github.com/yun-fc/yun/internal/store"
)

var bucketDocs = []byte("docs")

// docKey is {accountID}/{name}; account ids contain no '/'.
func docKey(accountID, name string) []byte { return []byte(accountID + "/" + name) }

func checkDoc(accountID, kind, name string) error {
	if accountID == "" || kind == "" || name == "" || strings.Contains(accountID, "/") {
		return fmt.Errorf("document %q/%q/%q: empty or invalid identifier", accountID, kind, name)
	}
	return nil
}

// PutDoc stores a document, replacing any with the same name.
func (s *Store) PutDoc(ctx context.Context, d *store.Doc) error {
	if err := checkDoc(d.AccountID, d.Kind, d.Name); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		b, err := tx.Bucket(bucketDocs).CreateBucketIfNotExists([]byte(d.Kind))
		if err != nil {
			return err
		}
		return b.Put(docKey(d.AccountID, d.Name), d.Value)
	})
}

// GetDoc returns one document.
func (s *Store) GetDoc(ctx context.Context, accountID, kind, name string) (*store.Doc, error) {
	if err := checkDoc(accountID, kind, name); err != nil {
		return nil, err
	}
	var d *store.Doc
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDocs).Bucket([]byte(kind))
		if b == nil {
			return store.ErrNotFound
		}
		v := b.Get(docKey(accountID, name))
		if v == nil {
			return store.ErrNotFound
		}
		d = &store.Doc{AccountID: accountID, Kind: kind, Name: name, Value: bytes.Clone(v)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", kind, name, err)
	}
	return d, nil
}

// DeleteDoc removes one document.
func (s *Store) DeleteDoc(ctx context.Context, accountID, kind, name string) error {
	if err := checkDoc(accountID, kind, name); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDocs).Bucket([]byte(kind))
		if b == nil || b.Get(docKey(accountID, name)) == nil {
			return store.ErrNotFound
		}
		return b.Delete(docKey(accountID, name))
	})
	if err != nil {
		return fmt.Errorf("%s %q: %w", kind, name, err)
	}
	return nil
}

// ListDocs pages through one account's documents of a kind.
func (s *Store) ListDocs(ctx context.Context, accountID, kind, prefix, startAfter string, limit int) ([]*store.Doc, error) {
	if err := checkDoc(accountID, kind, "-"); err != nil {
		return nil, err
	}
	docs := []*store.Doc{}
	acct := accountID + "/"
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDocs).Bucket([]byte(kind))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		full := acct + prefix
		for k, v := seekAfter(c, full, acct+startAfter); k != nil && bytes.HasPrefix(k, []byte(full)); k, v = c.Next() {
			if limit > 0 && len(docs) == limit {
				break
			}
			docs = append(docs, &store.Doc{AccountID: accountID, Kind: kind, Name: string(k[len(acct):]), Value: bytes.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s of account %q: %w", kind, accountID, err)
	}
	return docs, nil
}

// ListKind returns every document of a kind, across accounts.
func (s *Store) ListKind(ctx context.Context, kind string) ([]*store.Doc, error) {
	docs := []*store.Doc{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketDocs).Bucket([]byte(kind))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			account, name, _ := strings.Cut(string(k), "/")
			docs = append(docs, &store.Doc{AccountID: account, Kind: kind, Name: name, Value: bytes.Clone(v)})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", kind, err)
	}
	return docs, nil
}
