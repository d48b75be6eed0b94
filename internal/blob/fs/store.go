// Package fs is the code store in a local directory, the default of a
// single-node Yun.
//
// Layout: a package lives in {dir}/{checksum}.zip; {dir}/tmp holds files
// being written, which New clears because only a crashed Put leaves them.
// Put writes a temporary file, fsyncs it, renames it into place and fsyncs
// the directory, so a package is either absent or complete and durable.
package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"

	"github.com/yun-fc/yun/internal/blob"
)

// Store is a blob.Store in a directory.
type Store struct {
	dir string
	tmp string
}

var _ blob.Store = (*Store)(nil)

// New opens the store in dir, making it if needed.
func New(dir string) (*Store, error) {
	s := &Store{dir: dir, tmp: filepath.Join(dir, "tmp")}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("code store: %w", err)
	}
	if err := os.RemoveAll(s.tmp); err != nil {
		return nil, fmt.Errorf("code store: clearing %s: %w", s.tmp, err)
	}
	if err := os.Mkdir(s.tmp, 0o700); err != nil {
		return nil, fmt.Errorf("code store: %w", err)
	}
	return s, nil
}

// Put implements blob.Store.
func (s *Store) Put(ctx context.Context, checksum string, data []byte) error {
	if err := blob.CheckPut(checksum, data); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	final := s.path(checksum)
	if _, err := os.Stat(final); err == nil {
		return nil // content-addressed: the same bytes are there already
	}
	if err := s.write(final, data); err != nil {
		return fmt.Errorf("code package %s: %w", checksum, err)
	}
	return nil
}

// write puts data at final through a temporary file, durably.
func (s *Store) write(final string, data []byte) (err error) {
	f, err := os.CreateTemp(s.tmp, filepath.Base(final)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), final); err != nil {
		return err
	}
	return syncDir(s.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open implements blob.Store. The reader is an *os.File, so it is also an
// io.ReadSeeker for http.ServeContent.
func (s *Store) Open(ctx context.Context, checksum string) (io.ReadCloser, error) {
	if err := blob.ValidateChecksum(checksum); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(checksum))
	if err != nil {
		return nil, notFound(checksum, err)
	}
	return f, nil
}

// Size implements blob.Store.
func (s *Store) Size(ctx context.Context, checksum string) (int64, error) {
	if err := blob.ValidateChecksum(checksum); err != nil {
		return 0, err
	}
	fi, err := os.Stat(s.path(checksum))
	if err != nil {
		return 0, notFound(checksum, err)
	}
	return fi.Size(), nil
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, checksum string) error {
	if err := blob.ValidateChecksum(checksum); err != nil {
		return err
	}
	err := os.Remove(s.path(checksum))
	if err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("code package %s: %w", checksum, err)
	}
	return nil
}

// path is where the package with a valid checksum lives.
func (s *Store) path(checksum string) string {
	return filepath.Join(s.dir, checksum+".zip")
}

func notFound(checksum string, err error) error {
	if errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("code package %s: %w", checksum, blob.ErrNotFound)
	}
	return fmt.Errorf("code package %s: %w", checksum, err)
}
