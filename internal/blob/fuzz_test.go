package blob

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// FuzzInspect checks that Inspect never panics, refuses only with
// ErrInvalid, and that whatever it accepts Unpack writes in full, with the
// same Info, and with every symbolic link resolving inside the directory.
func FuzzInspect(f *testing.F) {
	for _, tc := range invalidCases(f) {
		if len(tc.zip) < 64<<10 {
			f.Add(tc.zip)
		}
	}
	f.Add(buildZip(f, dir("lib/"), file("lib/a.js", "a"), link("b", "lib/a.js"), link("lib/up", "..")))
	f.Add(buildZip(f, file("index.js", "exports.handler = () => 1"), zent{name: "bootstrap", body: "#!/bin/sh", mode: 0o755}))
	lim := Limits{MaxUnpacked: 1 << 20, MaxFiles: 200}

	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data, lim)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Inspect refused with %v, want ErrInvalid", err)
			}
			return
		}
		dir := filepath.Join(t.TempDir(), "out")
		got, err := Unpack(data, dir, lim)
		if err != nil {
			t.Fatalf("Inspect accepted (%+v) what Unpack refuses: %v", info, err)
		}
		if got != info {
			t.Fatalf("Unpack: got %+v, Inspect said %+v", got, info)
		}
		checkContained(t, dir, info)
	})
}

// checkContained walks an unpacked tree: it must hold what info says, and
// opening any of its links through an os.Root of dir must either work or
// fail for a reason other than escaping (a missing target, a loop).
func checkContained(t *testing.T, dir string, info Info) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var files, links int
	var bytes int64
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			links++
			f, err := root.Open(rel)
			if err == nil {
				f.Close()
			} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ELOOP) && !errors.Is(err, syscall.ENOTDIR) {
				t.Errorf("link %s: %v", rel, err)
			}
		case d.Type().IsRegular():
			files++
			fi, err := d.Info()
			if err != nil {
				return err
			}
			bytes += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != info.Files || links != info.Symlinks || bytes != info.UnpackedBytes {
		t.Errorf("tree has %d files, %d links, %d bytes; Info says %+v", files, links, bytes, info)
	}
}
