package jail

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestUnmountUnder: the mounts below a directory, stacked and nested, are
// all detached, also when the directory is named through a symbolic link;
// a directory that does not exist holds none.
func TestUnmountUnder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting needs root")
	}
	for _, tt := range []struct {
		name string
		link bool
	}{{"path", false}, {"symlink", true}} {
		t.Run(tt.name, func(t *testing.T) {
			real, err := filepath.EvalSymlinks(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(real, "instances")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { UnmountUnder(dir) }) // whatever a failure left
			slot := filepath.Join(dir, "one", "tmp")
			os.MkdirAll(filepath.Dir(slot), 0o755)
			for _, step := range []func() error{
				func() error { return PrivateDir(dir) },
				func() error { return MakeSlot(slot) },
				func() error { return FillTmpfs(slot, 1<<20) },
			} {
				if err := step(); err != nil {
					t.Fatal(err)
				}
			}
			name := dir
			if tt.link {
				name = filepath.Join(t.TempDir(), "link")
				if err := os.Symlink(dir, name); err != nil {
					t.Fatal(err)
				}
			}
			n, err := UnmountUnder(name)
			if err != nil || n != 3 {
				t.Errorf("UnmountUnder(%s) = %d, %v; want 3, nil", name, n, err)
			}
			if left := under(t, dir); len(left) != 0 {
				t.Errorf("mounts left: %q, want none", left)
			}
		})
	}
	if n, err := UnmountUnder(filepath.Join(t.TempDir(), "absent")); n != 0 || err != nil {
		t.Errorf("UnmountUnder(absent) = %d, %v; want 0, nil", n, err)
	}
}

// under lists the mount points at or below dir.
func under(t *testing.T, dir string) []string {
	t.Helper()
	points, err := mountPoints()
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(points, func(p string) bool { return p != dir && !strings.HasPrefix(p, dir+"/") })
}
