package jail

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// A slot is a host directory that is a shared mount of its own. A jail
// binds it with Bind.Receive, so the jail's copy is a slave of it: what the
// host mounts on the slot later appears inside the running jail, with the
// flags the host gave the mount, and nothing propagates the other way. This
// is how a pre-warmed jail, built before its function is known, gets its
// code at /code, its layers at /opt and its /tmp of the function's size
// when it is claimed: one mount each, whatever the size of the package.

// PrivateDir makes dir a private mount of its own, so that the slots made
// under it do not propagate to the host's other mount namespaces (on hosts
// where / is shared, as systemd makes it).
func PrivateDir(dir string) error {
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s on itself: %w", dir, err)
	}
	if err := unix.Mount("", dir, "", unix.MS_PRIVATE, ""); err != nil {
		unix.Unmount(dir, unix.MNT_DETACH)
		return fmt.Errorf("make %s private: %w", dir, err)
	}
	return nil
}

// MakeSlot makes the empty directory dir a slot: a shared mount in a peer
// group of its own.
func MakeSlot(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s on itself: %w", dir, err)
	}
	err := unix.Mount("", dir, "", unix.MS_PRIVATE, "")
	if err == nil {
		err = unix.Mount("", dir, "", unix.MS_SHARED, "")
	}
	if err == nil {
		return nil
	}
	unix.Unmount(dir, unix.MNT_DETACH)
	return fmt.Errorf("make %s a shared mount: %w", dir, err)
}

// FillBind shows the host directory source on slot, read-only, nosuid and
// nodev. The mount is made read-only before it is attached (open_tree,
// mount_setattr, move_mount), so the jail's copy is read-only from the
// first moment: a bind mount propagates with the flags it has when it is
// made, and a later remount would not reach the copy.
func FillBind(slot, source string) error {
	fd, err := unix.OpenTree(unix.AT_FDCWD, source, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return fmt.Errorf("clone %s: %w", source, err)
	}
	defer unix.Close(fd)
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, attr); err != nil {
		return fmt.Errorf("make %s read-only: %w", source, err)
	}
	if err := unix.MoveMount(fd, "", unix.AT_FDCWD, slot, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("mount %s on %s: %w", source, slot, err)
	}
	return nil
}

// FillOverlay shows the directories lower on slot, merged and read-only,
// later over earlier (MountOverlay; one directory is a FillBind).
func FillOverlay(slot string, lower []string) error {
	if len(lower) == 1 {
		return FillBind(slot, lower[0])
	}
	return MountOverlay(lower, slot)
}

// FillTmpfs mounts a tmpfs of size bytes, writable by everyone (sticky),
// nosuid and nodev, on slot.
func FillTmpfs(slot string, size int64) error {
	return mountTmpfs(slot, sizeOption("mode=1777", size), unix.MS_NOSUID|unix.MS_NODEV)
}

// Unmount detaches every mount stacked on dir (a slot and what fills it).
func Unmount(dir string) {
	for range 8 { // a slot holds at most a few
		if unix.Unmount(dir, unix.MNT_DETACH) != nil {
			return
		}
	}
}

// UnmountUnder detaches every mount at or below dir, deepest first: what a
// previous run left (slots, code, layers, tmpfs) before its directories are
// removed. The kernel names mount points by their real path, so dir is
// resolved first: a RunDir reached through a symbolic link is cleaned too.
// A dir that does not exist holds no mount. It returns how many it detached.
func UnmountUnder(dir string) (int, error) {
	dir, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	points, err := mountPoints()
	if err != nil {
		return 0, err
	}
	var under []string
	for _, p := range points {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			under = append(under, p)
		}
	}
	slices.SortFunc(under, func(a, b string) int { return len(b) - len(a) })
	n := 0
	for _, p := range under {
		if unix.Unmount(p, unix.MNT_DETACH) == nil {
			n++
		}
	}
	return n, nil
}

// mountPoints lists the mount points of this mount namespace.
func mountPoints() ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 4 {
			out = append(out, filepath.Clean(unescapeMountinfo(fields[4])))
		}
	}
	return out, sc.Err()
}
