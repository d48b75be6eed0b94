package sandboxtest

import (
	"bytes"
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// testdata holds the suite's functions, one code package per directory.
//
//go:embed testdata
var testdata embed.FS

// materialise writes the functions into a temporary directory and makes
// them read-only, as code packages are: a runtime must not write its caches
// into the code. Files named "bootstrap" are executable.
func materialise(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	var dirs []string
	err := fs.WalkDir(testdata, "testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(root, strings.TrimPrefix(path, "testdata"))
		if d.IsDir() {
			dirs = append(dirs, dst)
			return os.MkdirAll(dst, 0o755)
		}
		data, err := testdata.ReadFile(path)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o444)
		if d.Name() == "bootstrap" {
			mode = 0o555
		}
		return os.WriteFile(dst, data, mode)
	})
	if err != nil {
		t.Fatalf("materialise testdata: %v", err)
	}
	setModes(t, dirs, 0o555)
	t.Cleanup(func() { setModes(t, dirs, 0o755) }) // so that TempDir can remove them
	return root
}

func setModes(t *testing.T, dirs []string, mode os.FileMode) {
	for _, d := range dirs {
		if err := os.Chmod(d, mode); err != nil {
			t.Errorf("chmod %s: %v", d, err)
		}
	}
}

// logBuffer is a Spec.Logs that tests can read while the engine writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
