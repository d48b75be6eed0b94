package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Unpack writes the code package zipData into dir, which must be empty or
// not exist yet (its parent must). It makes every check Inspect makes, while
// writing, and all writes go through an os.Root of dir. On any error it
// removes what it wrote (and dir, if it made it). Unpack does not fsync:
// an unpacked tree is a cache that can be made again.
func Unpack(zipData []byte, dir string, lim Limits) (Info, error) {
	return unpack(context.Background(), bytes.NewReader(zipData), int64(len(zipData)), dir, lim)
}

func unpack(ctx context.Context, r io.ReaderAt, size int64, dir string, lim Limits) (_ Info, err error) {
	if err := lim.Validate(); err != nil {
		return Info{}, err
	}
	made, err := prepareDir(dir)
	if err != nil {
		return Info{}, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, clearDir(dir, made))
		}
	}()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Info{}, fmt.Errorf("unpack: %w", err)
	}
	defer root.Close()
	return extract(ctx, r, size, lim, &rootWriter{root: root, dirs: map[string]bool{}})
}

// prepareDir makes dir (mode 0755) or checks that it is an empty directory,
// and says whether it made it.
func prepareDir(dir string) (made bool, err error) {
	err = os.Mkdir(dir, 0o755)
	if err == nil {
		if err := os.Chmod(dir, 0o755); err != nil { // whatever the umask
			return false, errors.Join(fmt.Errorf("unpack: %w", err), os.Remove(dir))
		}
		return true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return false, fmt.Errorf("unpack: %w", err)
	}
	f, err := os.Open(dir)
	if err != nil {
		return false, fmt.Errorf("unpack: %w", err)
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if len(names) > 0 {
		return false, fmt.Errorf("unpack: directory %s is not empty", dir)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("unpack: %w", err)
	}
	return false, nil
}

// clearDir removes what an Unpack wrote into dir.
func clearDir(dir string, made bool) error {
	if made {
		return os.RemoveAll(dir)
	}
	children, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, c := range children {
		err = errors.Join(err, os.RemoveAll(filepath.Join(dir, c.Name())))
	}
	return err
}

// rootWriter is the sink of Unpack. Directories it makes, explicit or
// implied by a deeper name, are remembered in dirs.
type rootWriter struct {
	root *os.Root
	dirs map[string]bool
}

func (w *rootWriter) mkdir(e entry) error {
	return w.ensureDir(e.name)
}

func (w *rootWriter) create(e entry) (io.WriteCloser, error) {
	if err := w.ensureDir(path.Dir(e.name)); err != nil {
		return nil, err
	}
	// O_EXCL: never open an existing file, nor follow a symbolic link.
	f, err := w.root.OpenFile(e.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, e.mode)
	if err != nil {
		return nil, fmt.Errorf("unpack: %w", err)
	}
	if err := f.Chmod(e.mode); err != nil { // whatever the umask
		f.Close()
		return nil, fmt.Errorf("unpack: %w", err)
	}
	return f, nil
}

func (w *rootWriter) symlink(e entry, target string) error {
	if err := w.ensureDir(path.Dir(e.name)); err != nil {
		return err
	}
	if err := w.root.Symlink(target, e.name); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	return nil
}

func (w *rootWriter) ensureDir(name string) error {
	if name == "." || w.dirs[name] {
		return nil
	}
	if err := w.ensureDir(path.Dir(name)); err != nil {
		return err
	}
	if err := w.root.Mkdir(name, 0o755); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	if err := w.root.Chmod(name, 0o755); err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	w.dirs[name] = true
	return nil
}
