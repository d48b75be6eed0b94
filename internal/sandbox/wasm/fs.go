package wasm

import (
	"io/fs"
	"path"
	"strings"

	"github.com/tetratelabs/wazero"
	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
	"github.com/tetratelabs/wazero/sys"
)

// mounts returns an invocation's file system: codeDir read-only at /code,
// tmpDir read-write at /tmp and bounded by d (disk.go), nothing else.
func mounts(codeDir, tmpDir string, d *disk, r *refusal) wazero.FSConfig {
	code := confined{&sysfs.ReadFS{FS: sysfs.DirFS(codeDir)}}
	tmp := &diskFS{FS: confined{sysfs.DirFS(tmpDir)}, disk: d, refusal: r}
	cfg := wazero.NewFSConfig().(sysfs.FSConfig).WithSysFSMount(code, "/code")
	return cfg.(sysfs.FSConfig).WithSysFSMount(tmp, "/tmp")
}

// confined is a host directory the guest cannot leave. wazero's directory
// mount joins the guest's path to the host directory as given, so
// "a/../../x" and a symbolic link the guest made ("ln -s ../.. esc") would
// both reach host files outside it. confined refuses paths that climb out
// and refuses to make symbolic links; the code directory holds none (code
// packages with links are rejected when they are unpacked).
type confined struct{ experimentalsys.FS }

// inside says whether the relative path p stays in the directory.
func inside(p string) bool {
	p = path.Clean(p)
	return p != ".." && !strings.HasPrefix(p, "../") && !path.IsAbs(p)
}

func (c confined) OpenFile(p string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	if !inside(p) {
		return nil, experimentalsys.EPERM
	}
	return c.FS.OpenFile(p, flag, perm)
}

func (c confined) Lstat(p string) (sys.Stat_t, experimentalsys.Errno) {
	if !inside(p) {
		return sys.Stat_t{}, experimentalsys.EPERM
	}
	return c.FS.Lstat(p)
}

func (c confined) Stat(p string) (sys.Stat_t, experimentalsys.Errno) {
	if !inside(p) {
		return sys.Stat_t{}, experimentalsys.EPERM
	}
	return c.FS.Stat(p)
}

func (c confined) Mkdir(p string, perm fs.FileMode) experimentalsys.Errno {
	return c.check(p, func() experimentalsys.Errno { return c.FS.Mkdir(p, perm) })
}

func (c confined) Chmod(p string, perm fs.FileMode) experimentalsys.Errno {
	return c.check(p, func() experimentalsys.Errno { return c.FS.Chmod(p, perm) })
}

func (c confined) Rename(from, to string) experimentalsys.Errno {
	if !inside(from) {
		return experimentalsys.EPERM
	}
	return c.check(to, func() experimentalsys.Errno { return c.FS.Rename(from, to) })
}

func (c confined) Rmdir(p string) experimentalsys.Errno {
	return c.check(p, func() experimentalsys.Errno { return c.FS.Rmdir(p) })
}

func (c confined) Unlink(p string) experimentalsys.Errno {
	return c.check(p, func() experimentalsys.Errno { return c.FS.Unlink(p) })
}

func (c confined) Link(oldPath, newPath string) experimentalsys.Errno {
	if !inside(oldPath) {
		return experimentalsys.EPERM
	}
	return c.check(newPath, func() experimentalsys.Errno { return c.FS.Link(oldPath, newPath) })
}

// Symlink is refused: a link is resolved by the host, outside the guest's view.
func (c confined) Symlink(_, _ string) experimentalsys.Errno { return experimentalsys.EPERM }

func (c confined) Readlink(p string) (string, experimentalsys.Errno) {
	if !inside(p) {
		return "", experimentalsys.EPERM
	}
	return c.FS.Readlink(p)
}

func (c confined) Utimens(p string, atim, mtim int64) experimentalsys.Errno {
	return c.check(p, func() experimentalsys.Errno { return c.FS.Utimens(p, atim, mtim) })
}

// check runs op when p stays inside.
func (c confined) check(p string, op func() experimentalsys.Errno) experimentalsys.Errno {
	if !inside(p) {
		return experimentalsys.EPERM
	}
	return op()
}
