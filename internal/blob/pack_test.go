package blob

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestZipDirRoundTrip: what ZipDir packs, Unpack gives back — contents,
// directories and executable bits — without .git; links are refused.
func TestZipDirRoundTrip(t *testing.T) {
	src := t.TempDir()
	for name, mode := range map[string]os.FileMode{"index.js": 0o644, "lib/run": 0o755, ".git/HEAD": 0o644} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("content of "+name), mode); err != nil {
			t.Fatal(err)
		}
	}
	data, err := ZipDir(src)
	if err != nil {
		t.Fatalf("ZipDir: %v", err)
	}
	dst := filepath.Join(t.TempDir(), "out")
	if _, err := Unpack(data, dst, Limits{}); err != nil {
		t.Fatalf("Unpack: %v", err)
	}
	for _, name := range []string{"index.js", "lib/run"} {
		if b, err := os.ReadFile(filepath.Join(dst, name)); err != nil || string(b) != "content of "+name {
			t.Errorf("%s: got %q, %v", name, b, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dst, "lib/run")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("lib/run: mode %v, %v; want executable", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(dst, ".git")); !os.IsNotExist(err) {
		t.Errorf(".git was packed: %v", err)
	}

	if err := os.Symlink("/etc/passwd", filepath.Join(src, "passwd")); err != nil {
		t.Fatal(err)
	}
	if _, err := ZipDir(src); err == nil || !strings.Contains(err.Error(), "only regular files") {
		t.Errorf("ZipDir with a link = %v, want it refused", err)
	}
}
