package process

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
)

// bootstraps are the Node.js and Python programs that run user handlers
// behind the custom-runtime contract.
//
//go:embed bootstrap/node.js bootstrap/python.py
var bootstraps embed.FS

// bootstrapFiles are the paths of the bootstraps once written to disk.
type bootstrapFiles struct {
	node, python string
}

// writeBootstraps writes the embedded bootstraps into dir, read-only.
func writeBootstraps(dir string) (bootstrapFiles, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return bootstrapFiles{}, fmt.Errorf("bootstrap dir %q: %w", dir, err)
	}
	files := bootstrapFiles{
		node:   filepath.Join(dir, "node.js"),
		python: filepath.Join(dir, "python.py"),
	}
	for src, dst := range map[string]string{"bootstrap/node.js": files.node, "bootstrap/python.py": files.python} {
		data, err := bootstraps.ReadFile(src)
		if err != nil {
			return bootstrapFiles{}, fmt.Errorf("bootstrap %q: %w", src, err)
		}
		if err := writeFileAtomic(dst, data, 0o444); err != nil {
			return bootstrapFiles{}, fmt.Errorf("bootstrap %q: %w", dst, err)
		}
	}
	return files, nil
}

// writeFileAtomic replaces path with data, so that a runtime starting at the
// same moment never reads half a file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
