package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/yun-fc/yun/internal/store"
)

// LockTimeout is how long Open waits for the file lock held by another process.
const LockTimeout = time.Second

// ErrLocked says that another process holds the database file.
var ErrLocked = errors.New("database file is locked by another process")

const schemaVersion = "1"

var (
	bucketMeta      = []byte("meta")
	bucketAccounts  = []byte("accounts")
	bucketKeys      = []byte("keys")
	bucketFunctions = []byte("functions")
	keyVersion      = []byte("version")
)

// Store is store.Store on a bbolt file. Its methods are safe for concurrent use.
type Store struct {
	db    *bbolt.DB
	close func() error
}

var _ store.Store = (*Store)(nil)

// Open opens or creates the database file at path (its directory must exist).
// It fails with ErrLocked when another process has the file open.
func Open(path string) (*Store, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: LockTimeout, NoSync: false})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (waited %v; is another yun server using this data directory?)", path, ErrLocked, LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.Update(initBuckets); err != nil {
		return nil, errors.Join(fmt.Errorf("open %s: %w", path, err), db.Close())
	}
	return &Store{db: db, close: sync.OnceValue(db.Close)}, nil
}

// initBuckets creates the top-level buckets and checks the schema version.
func initBuckets(tx *bbolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketAccounts, bucketKeys, bucketFunctions, bucketDocs} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	switch v := meta.Get(keyVersion); {
	case v == nil:
		return meta.Put(keyVersion, []byte(schemaVersion))
	case string(v) != schemaVersion:
		return fmt.Errorf("schema version %q, this yun understands %q", v, schemaVersion)
	}
	return nil
}

// Close closes the database file. It is idempotent: later calls return the
// first call's result. Methods called after Close fail.
func (s *Store) Close() error { return s.close() }

// view runs fn in a read-only transaction unless ctx is already done.
func (s *Store) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

// update runs fn in a read-write transaction unless ctx is already done; the
// change is durable when update returns nil.
func (s *Store) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// putJSON stores v as JSON under key.
func putJSON(b *bbolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

// getJSON decodes the value under key into v, or returns store.ErrNotFound
// if there is none; a nil bucket holds nothing.
func getJSON(b *bbolt.Bucket, key string, v any) error {
	if b == nil {
		return store.ErrNotFound
	}
	data := b.Get([]byte(key))
	if data == nil {
		return store.ErrNotFound
	}
	return json.Unmarshal(data, v)
}

// requireID refuses an empty identifier, which bbolt cannot store as a key.
func requireID(kind, id string) error {
	if id == "" {
		return fmt.Errorf("%s: empty identifier", kind)
	}
	return nil
}
