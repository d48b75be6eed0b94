package jail

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// devices are the host's device nodes a jail sees in /dev.
var devices = []string{"null", "zero", "full", "random", "urandom"}

// devLinks are /dev's usual symbolic links.
var devLinks = []Link{
	{Path: "/dev/fd", Target: "/proc/self/fd"},
	{Path: "/dev/stdin", Target: "/proc/self/fd/0"},
	{Path: "/dev/stdout", Target: "/proc/self/fd/1"},
	{Path: "/dev/stderr", Target: "/proc/self/fd/2"},
}

// buildRoot makes the jail's root in a tmpfs on s.Root and pivots into it.
// The order matters: every mount point is made before the tmpfs turns
// read-only, and the old root goes last.
func buildRoot(s *Spec) error {
	// No mount made here may propagate back to the host. A jail with
	// Receive binds keeps the host's shared mounts as slaves (they receive,
	// never send); every other bind is then made private (bind).
	propagation := uintptr(unix.MS_PRIVATE)
	if receives(s) {
		propagation = unix.MS_SLAVE
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|propagation, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if err := mountTmpfs(s.Root, "mode=0755,size=1m", unix.MS_NOSUID|unix.MS_NODEV); err != nil {
		return err
	}
	steps := []func(*Spec) error{bindAll, mountOverlays, makeLinks, writeFiles, mountProc, mountDev, mountTmp}
	for _, step := range steps {
		if err := step(s); err != nil {
			return err
		}
	}
	if err := remountReadOnly(s.Root, unix.MS_NOSUID|unix.MS_NODEV); err != nil {
		return err
	}
	return pivot(s.Root)
}

func mountTmpfs(dir, data string, flags uintptr) error {
	if err := unix.Mount("tmpfs", dir, "tmpfs", flags, data); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", dir, err)
	}
	return nil
}

// remountReadOnly keeps flags and adds MS_RDONLY to the mount at dir.
func remountReadOnly(dir string, flags uintptr) error {
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY|flags, ""); err != nil {
		return fmt.Errorf("remount %s read-only: %w", dir, err)
	}
	return nil
}

// bindAll binds every Bind read-only. A bind mount takes the flags of its
// source until remounted, so each is remounted with MS_BIND|MS_RDONLY. Binds
// are not recursive: a remount reaches only the top mount, so a mount below a
// source would stay writable; it shows as an empty directory instead.
func bindAll(s *Spec) error {
	for _, b := range s.Binds {
		if err := bind(s.Root, b); err != nil {
			return err
		}
	}
	return nil
}

func bind(root string, b Bind) error {
	target := filepath.Join(root, b.Target)
	if err := mountPoint(b.Source, target); err != nil {
		return err
	}
	if err := unix.Mount(b.Source, target, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s on %s: %w", b.Source, b.Target, err)
	}
	if !b.Receive { // a bind of a slave is a slave: only Receive binds stay one
		if err := unix.Mount("", target, "", unix.MS_PRIVATE, ""); err != nil {
			return fmt.Errorf("make %s private: %w", b.Target, err)
		}
	}
	flags := uintptr(unix.MS_BIND | unix.MS_NOSUID | unix.MS_NODEV)
	if b.Dev {
		flags &^= unix.MS_NODEV
	}
	return remountReadOnly(target, flags)
}

// mountPoint makes target like source: a directory or an empty file.
func mountPoint(source, target string) error {
	fi, err := os.Stat(source)
	if err != nil {
		return fmt.Errorf("bind source: %w", err)
	}
	if fi.IsDir() {
		return os.MkdirAll(target, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o444)
	if err != nil {
		return err
	}
	return f.Close()
}

func makeLinks(s *Spec) error {
	for _, l := range s.Links {
		path := filepath.Join(s.Root, l.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(l.Target, path); err != nil {
			return fmt.Errorf("link %s: %w", l.Path, err)
		}
	}
	return nil
}

func writeFiles(s *Spec) error {
	for _, f := range s.Files {
		path := filepath.Join(s.Root, f.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.Data, os.FileMode(f.Mode)); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	return nil
}

// mountProc mounts a proc of the jail's own PID namespace.
func mountProc(s *Spec) error {
	dir := filepath.Join(s.Root, "proc")
	if err := os.Mkdir(dir, 0o555); err != nil {
		return err
	}
	if err := unix.Mount("proc", dir, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount proc: %w", err)
	}
	return nil
}

// mountDev makes a minimal read-only /dev: a few host devices, the usual
// links and a size-limited /dev/shm.
func mountDev(s *Spec) error {
	dev := filepath.Join(s.Root, "dev")
	if err := os.Mkdir(dev, 0o755); err != nil {
		return err
	}
	if err := mountTmpfs(dev, "mode=0755,size=64k", unix.MS_NOSUID|unix.MS_NOEXEC); err != nil {
		return err
	}
	for _, name := range devices {
		if err := bind(s.Root, Bind{Source: "/dev/" + name, Target: "/dev/" + name, Dev: true}); err != nil {
			return err
		}
	}
	if err := makeLinks(&Spec{Root: s.Root, Links: devLinks}); err != nil {
		return err
	}
	shm := filepath.Join(dev, "shm")
	if err := os.Mkdir(shm, 0o755); err != nil {
		return err
	}
	if err := mountTmpfs(shm, sizeOption("mode=1777", s.ShmBytes), unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC); err != nil {
		return err
	}
	return remountReadOnly(dev, unix.MS_NOSUID|unix.MS_NOEXEC)
}

// receives says whether any bind of s receives mounts from the host.
func receives(s *Spec) bool {
	for _, b := range s.Binds {
		if b.Receive {
			return true
		}
	}
	return false
}

// mountOverlays mounts each Overlay read-only. overlayfs lists the upper
// of its lower directories first, so Lower is reversed. Without an upper
// directory overlayfs is read-only by construction.
func mountOverlays(s *Spec) error {
	for _, o := range s.Overlays {
		target := filepath.Join(s.Root, o.Target)
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
		if err := MountOverlay(o.Lower, target); err != nil {
			return err
		}
	}
	return nil
}

// MountOverlay mounts the directories lower, merged and read-only, at
// target: later directories over earlier ones. One directory is a plain
// read-only bind.
func MountOverlay(lower []string, target string) error {
	flags := uintptr(unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV)
	if len(lower) == 1 {
		if err := unix.Mount(lower[0], target, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s on %s: %w", lower[0], target, err)
		}
		return remountReadOnly(target, flags|unix.MS_BIND)
	}
	dirs := make([]string, len(lower))
	for i, l := range lower {
		dirs[len(lower)-1-i] = l
	}
	if err := unix.Mount("overlay", target, "overlay", flags, "lowerdir="+strings.Join(dirs, ":")); err != nil {
		return fmt.Errorf("overlay %v on %s: %w", lower, target, err)
	}
	return nil
}

// mountTmp mounts the jail's only writable place, /tmp, limited to
// TmpBytes, unless the host provides it.
func mountTmp(s *Spec) error {
	if s.TmpFromHost {
		return nil
	}
	dir := filepath.Join(s.Root, "tmp")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	return mountTmpfs(dir, sizeOption("mode=1777", s.TmpBytes), unix.MS_NOSUID|unix.MS_NODEV)
}

// sizeOption appends size= to tmpfs options; a tmpfs without one may take
// half the host's memory, so a zero size still gets a small one.
func sizeOption(opts string, size int64) string {
	if size <= 0 {
		size = 1 << 20
	}
	return opts + ",size=" + strconv.FormatInt(size, 10)
}

// pivot makes root the root of the mount namespace and detaches the old
// one: pivot_root(".", ".") stacks the old root on the new, and unmounting
// "." then removes the old root (see pivot_root(2)).
func pivot(root string) error {
	if err := unix.Chdir(root); err != nil {
		return fmt.Errorf("chdir to the new root: %w", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach the old root: %w", err)
	}
	return unix.Chdir("/")
}
