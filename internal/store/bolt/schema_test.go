package bolt_test

import (
	"path/filepath"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"github.com/yun-fc/yun/internal/store/bolt"
)

// TestOpenRefusesNewerSchema writes a schema version this code does not know
// and checks that Open refuses the file and releases it.
func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.db")
	setSchemaVersion(t, path, "2")

	s, err := bolt.Open(path)
	if err == nil {
		s.Close()
		t.Fatalf("Open of a version 2 file: got no error, want one")
	}
	if !strings.Contains(err.Error(), `"2"`) {
		t.Errorf("Open error %q does not name the version found", err)
	}
	setSchemaVersion(t, path, "1") // the failed Open released the lock
	mustOpen(t, path)
}

func setSchemaVersion(t *testing.T, path, version string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: bolt.LockTimeout})
	if err != nil {
		t.Fatalf("bbolt.Open: %v", err)
	}
	defer db.Close()
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("version"), []byte(version))
	})
	if err != nil {
		t.Fatalf("set schema version: %v", err)
	}
}
