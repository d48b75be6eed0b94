package wasm

import (
	"os"
	"path/filepath"
	"testing"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
)

// TestConfined checks that a confined directory cannot be left through
// ".." or a symbolic link, while paths inside work.
func TestConfined(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "tmp")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"secret": "host", "tmp/sub/f": "guest"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs := confined{sysfs.DirFS(dir)}
	tests := []struct {
		name string
		op   func() experimentalsys.Errno
		want experimentalsys.Errno
	}{
		{"open inside", func() experimentalsys.Errno { return open(fs, "sub/f") }, 0},
		{"open inside via ..", func() experimentalsys.Errno { return open(fs, "sub/../sub/f") }, 0},
		{"open outside via ..", func() experimentalsys.Errno { return open(fs, "sub/../../secret") }, experimentalsys.EPERM},
		{"open ..", func() experimentalsys.Errno { return open(fs, "..") }, experimentalsys.EPERM},
		{"stat outside", func() experimentalsys.Errno { _, e := fs.Stat("../secret"); return e }, experimentalsys.EPERM},
		{"symlink", func() experimentalsys.Errno { return fs.Symlink("../secret", "link") }, experimentalsys.EPERM},
		{"rename out", func() experimentalsys.Errno { return fs.Rename("sub/f", "../stolen") }, experimentalsys.EPERM},
		{"rename in", func() experimentalsys.Errno { return fs.Rename("../secret", "stolen") }, experimentalsys.EPERM},
		{"link out", func() experimentalsys.Errno { return fs.Link("../secret", "hard") }, experimentalsys.EPERM},
		{"unlink outside", func() experimentalsys.Errno { return fs.Unlink("../secret") }, experimentalsys.EPERM},
		{"mkdir inside", func() experimentalsys.Errno { return fs.Mkdir("new", 0o755) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.op(); got != tt.want {
				t.Errorf("got errno %v, want %v", got, tt.want)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(root, "secret")); err != nil || string(b) != "host" {
		t.Errorf("host file after the tries = %q, %v; want it untouched", b, err)
	}
}

func open(fs experimentalsys.FS, p string) experimentalsys.Errno {
	f, errno := fs.OpenFile(p, experimentalsys.O_RDONLY, 0)
	if errno == 0 {
		f.Close()
	}
	return errno
}
