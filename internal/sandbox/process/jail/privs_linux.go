package jail

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// dropPrivileges makes the calling thread an unprivileged user for good:
// no capability in any set (the bounding set too, so that no file can give
// one back), no supplementary groups, no_new_privs, no core dumps, at most
// maxFiles open files, and SIGKILL when the host's engine dies (a change of
// uid clears that signal, so it is set again after). The bounding set
// needs CAP_SETPCAP: it goes first.
func dropPrivileges(uid, gid int) error {
	if err := unix.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	return changeUser(uid, gid)
}

// changeUser is dropPrivileges but for the supplementary groups.
func changeUser(uid, gid int) error {
	if err := dropBoundingSet(); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("clear ambient capabilities: %w", err)
	}
	if err := unix.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("setresgid %d: %w", gid, err)
	}
	if err := unix.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("setresuid %d: %w", uid, err)
	}
	if err := clearCapabilities(); err != nil {
		return err
	}
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}); err != nil {
		return fmt.Errorf("no core dumps: %w", err)
	}
	if err := limitFiles(); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("parent death signal: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	return nil
}

// maxFiles is the program's open file limit, soft and hard: without it the
// program inherits Yun's own hard limit (often a million or more) and may
// raise its soft limit to it, holding that many sockets, pipes and files
// in kernel memory.
const maxFiles = 65536

// limitFiles sets RLIMIT_NOFILE, soft and hard, to maxFiles, or to the
// current hard limit if lower (raising it would need a privilege). It goes
// through unix.Setrlimit, which also stops Go's exec from restoring the
// soft limit the Go runtime found at start.
func limitFiles() error {
	var cur unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &cur); err != nil {
		return fmt.Errorf("open file limit: %w", err)
	}
	n := min(cur.Max, uint64(maxFiles))
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: n, Max: n}); err != nil {
		return fmt.Errorf("open file limit %d: %w", n, err)
	}
	return nil
}

// dropBoundingSet removes every capability from the bounding set.
func dropBoundingSet() error {
	last, err := lastCapability()
	if err != nil {
		return err
	}
	for c := 0; c <= last; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return fmt.Errorf("drop capability %d from the bounding set: %w", c, err)
		}
	}
	return nil
}

// lastCapability is the highest capability number this kernel knows.
func lastCapability() (int, error) {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return 0, fmt.Errorf("capabilities: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("capabilities: cap_last_cap %q: %w", b, err)
	}
	return n, nil
}

// clearCapabilities empties the effective, permitted and inheritable sets
// (a change of uid away from 0 empties the first two already, but not in
// stage 2, whose capabilities come from its own user namespace).
func clearCapabilities() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}
