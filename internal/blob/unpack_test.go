package blob

import (
	"archive/zip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnpackRefusesAndLeavesNothing(t *testing.T) {
	for _, tc := range invalidCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Run("new dir", func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "out")
				_, err := Unpack(tc.zip, dir, tc.lim)
				wantInvalid(t, err, tc.want)
				if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("after a failed Unpack, Lstat(dir): got %v, want ErrNotExist", err)
				}
			})
			t.Run("empty dir", func(t *testing.T) {
				dir := t.TempDir()
				_, err := Unpack(tc.zip, dir, tc.lim)
				wantInvalid(t, err, tc.want)
				if names := readDirNames(t, dir); len(names) != 0 {
					t.Errorf("after a failed Unpack, dir holds %v, want nothing", names)
				}
			})
		})
	}
}

func wantInvalid(t *testing.T, err error, msg string) {
	t.Helper()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Unpack: got %v, want ErrInvalid", err)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("Unpack: got %q, want it to contain %q", err, msg)
	}
}

func TestUnpackTree(t *testing.T) {
	fat := stored("windows.txt", []byte("crlf\r\n"))
	fat.hdr.CreatorVersion = 0 // MS-DOS: no Unix mode
	fat.hdr.ExternalAttrs = 0x01
	data := writeZip(t, func(w *zip.Writer) {
		for _, e := range []zent{
			{name: "bin/run", body: "#!/bin/sh", mode: 0o755},
			{name: "setuid", body: "s", mode: fs.ModeSetuid | 0o755},
			{name: "setgid-sticky", body: "g", mode: fs.ModeSetgid | fs.ModeSticky | 0o644},
			{name: "world-writable", body: "w", mode: 0o666},
			{name: "private", body: "p", mode: 0o600},
			{name: "owner-exec", body: "x", mode: 0o700},
			{name: "secret/", mode: fs.ModeDir | 0o700},
			{name: "a/b/deep.txt", body: "deep"},
			{name: `win\style.js`, body: "win"},
			{name: "node_modules/.bin/cli", body: "../../lib/cli.js", mode: fs.ModeSymlink | 0o777},
			{name: "x/l", body: `..\lib`, mode: fs.ModeSymlink | 0o777},
			{name: "lib/cli.js", body: "cli"},
		} {
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
			h.SetMode(e.mode)
			fw, err := w.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			fw.Write([]byte(e.body))
		}
		h := fat.hdr
		fw, err := w.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(fat.data)
	})
	dir := filepath.Join(t.TempDir(), "out")
	info, err := Unpack(data, dir, Limits{})
	if err != nil {
		t.Fatalf("Unpack: %v", err)
	}
	if want := (Info{Files: 10, Dirs: 1, Symlinks: 2, UnpackedBytes: 30}); info != want {
		t.Errorf("Unpack: got %+v, want %+v", info, want)
	}
	tests := []struct {
		path string
		mode fs.FileMode
		body string // content of a file, target of a link
	}{
		{".", fs.ModeDir | 0o755, ""},
		{"bin", fs.ModeDir | 0o755, ""},
		{"bin/run", 0o755, "#!/bin/sh"},
		{"setuid", 0o755, "s"},
		{"setgid-sticky", 0o644, "g"},
		{"world-writable", 0o644, "w"},
		{"private", 0o644, "p"},
		{"owner-exec", 0o755, "x"},
		{"secret", fs.ModeDir | 0o755, ""},
		{"a", fs.ModeDir | 0o755, ""},
		{"a/b", fs.ModeDir | 0o755, ""},
		{"a/b/deep.txt", 0o644, "deep"},
		{"win/style.js", 0o644, "win"},
		{"node_modules/.bin/cli", fs.ModeSymlink | 0o777, "../../lib/cli.js"},
		{"x/l", fs.ModeSymlink | 0o777, "../lib"},
		{"lib/cli.js", 0o644, "cli"},
		{"windows.txt", 0o644, "crlf\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			p := filepath.Join(dir, tc.path)
			fi, err := os.Lstat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode() != tc.mode {
				t.Errorf("mode: got %v, want %v", fi.Mode(), tc.mode)
			}
			if got := readBody(t, p, fi.Mode()); got != tc.body {
				t.Errorf("content: got %q, want %q", got, tc.body)
			}
		})
	}
}

func readBody(t *testing.T, p string, m fs.FileMode) string {
	t.Helper()
	switch {
	case m.IsDir():
		return ""
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			t.Fatal(err)
		}
		return target
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnpackDirectoryErrors(t *testing.T) {
	data := buildZip(t, file("a.txt", "a"))
	t.Run("not empty", func(t *testing.T) {
		dir := t.TempDir()
		keep := filepath.Join(dir, "keep")
		if err := os.WriteFile(keep, []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Unpack(data, dir, Limits{})
		if err == nil || errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "is not empty") {
			t.Fatalf("Unpack into a non-empty dir: got %v, want a not-empty error", err)
		}
		if names := readDirNames(t, dir); len(names) != 1 || names[0] != "keep" {
			t.Errorf("dir after a refused Unpack: got %v, want [keep]", names)
		}
	})
	t.Run("missing parent", func(t *testing.T) {
		_, err := Unpack(data, filepath.Join(t.TempDir(), "no", "such"), Limits{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Unpack below a missing parent: got %v, want ErrNotExist", err)
		}
	})
	t.Run("a file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Unpack(data, p, Limits{}); err == nil {
			t.Fatal("Unpack onto a file: got nil error, want one")
		}
	})
}

func readDirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
