package jail

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrUnsupported is returned by Probe when this host cannot run jails.
var ErrUnsupported = errors.New("process isolation is not possible on this host")

// Host is this machine's ability to run jails, checked by Probe.
type Host struct {
	cgroups cgroupDriver
	netns   *os.File // the network namespace of Yun, where Dial returns to
	noUser  error    // why jails cannot have Spec.UserNamespace; nil if they can
}

// Probe checks that this host can run jails and returns it: root, the
// memory, cpu and pids cgroup controllers, and a trial jail built in scratch
// (an empty directory Probe may use and leaves empty) that goes through
// every step up to execve, its program in a user namespace of its own. If
// only that fails (no user namespaces here: user.max_user_namespaces is 0,
// or a container runtime refuses them), a second trial without it decides,
// and UserNamespaces says why not. Its error wraps ErrUnsupported and says
// what is missing.
func Probe(scratch string) (*Host, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: Yun is not running as root (uid %d)", ErrUnsupported, os.Geteuid())
	}
	mountinfo, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	defer mountinfo.Close()
	h := &Host{}
	if h.cgroups, err = detectCgroups(mountinfo); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if h.netns, err = os.Open("/proc/self/ns/net"); err != nil {
		return nil, fmt.Errorf("%w: network namespace: %v", ErrUnsupported, err)
	}
	// A failure on a busy host may be passing; the answer holds for the
	// node's life, so the user-namespace trial gets three tries.
	for range 3 {
		if h.noUser = h.trial(scratch, true); h.noUser == nil {
			break
		}
	}
	if h.noUser != nil {
		if err := h.trial(scratch, false); err != nil {
			h.netns.Close()
			return nil, fmt.Errorf("%w: %v (with a user namespace: %v)", ErrUnsupported, err, h.noUser)
		}
	}
	return h, nil
}

// UserNamespaces says whether jails here can have Spec.UserNamespace, and
// if not, why.
func (h *Host) UserNamespaces() (bool, error) { return h.noUser == nil, h.noUser }

// CgroupVersion is 1 or 2.
func (h *Host) CgroupVersion() int { return h.cgroups.version() }

// NewCgroup makes the cgroup name (letters, digits, '-', '_', '.') with limits l.
func (h *Host) NewCgroup(name string, l Limits) (*Cgroup, error) {
	return h.cgroups.create(name, l)
}

// staleAge is how long an empty cgroup of another engine must have existed
// before CleanCgroups removes it.
const staleAge = time.Minute

// CleanCgroups removes what earlier runs left: it kills the processes of the
// cgroups whose names start with prefix (this engine's, left by a crash) and
// removes them, and it removes the empty cgroups of other engines made more
// than staleAge ago (their Yun died and did not come back; a live instance
// always has a process, and an rmdir of a cgroup with one fails). It returns
// how many cgroups of prefix it found.
func (h *Host) CleanCgroups(prefix string) (int, error) {
	all, err := h.cgroups.leftovers("")
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, c := range all {
		switch {
		case strings.HasPrefix(filepath.Base(c.dirs[0]), prefix):
			n++
			errs = append(errs, c.Remove())
		case c.idleSince(staleAge):
			c.removeEmpty()
		}
	}
	return n, errors.Join(errs...)
}

// trial starts a jail that stops just before execve, in a cgroup.
func (h *Host) trial(scratch string, userNS bool) error {
	if userNS && noUserNamespaces() {
		return errors.New("user namespaces are disabled (user.max_user_namespaces is 0)")
	}
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return err
	}
	root, err := os.MkdirTemp(scratch, "probe-root-")
	if err != nil {
		return err
	}
	defer os.Remove(root)
	binds, links, err := HostRuntime()
	if err != nil {
		return err
	}
	spec := &Spec{Root: root, Binds: binds, Links: links, Files: IdentityFiles("probe", 65534, 65534),
		Hostname: "probe", UID: 65534, GID: 65534, Argv: []string{"/probe"}, Dir: "/tmp", TmpBytes: 1 << 20,
		UserNamespace: userNS, Check: true}
	// Pids: the init and stage 2 are Go processes whose thread counts vary
	// with load; with 16 a busy machine's stage 2 could fail to make a
	// thread (exit 2) and the node would run without user namespaces.
	cg, err := h.NewCgroup("probe-"+filepath.Base(root), Limits{MemoryBytes: 64 << 20, CPU: 1, Pids: 64})
	if err != nil {
		return err
	}
	defer cg.Remove()
	return h.run(spec, cg)
}

// run starts spec in cg and waits for it to finish (a Check).
func (h *Host) run(spec *Spec, cg *Cgroup) error {
	l, err := Command(spec)
	if err != nil {
		return err
	}
	if err := l.Start(); err != nil {
		return err
	}
	defer l.Cmd.Wait()
	if err := cg.Add(l.Cmd.Process.Pid); err != nil {
		l.Abort()
		return err
	}
	return l.Release()
}

// noUserNamespaces says whether the kernel allows no user namespace at all.
func noUserNamespaces() bool {
	b, err := os.ReadFile("/proc/sys/user/max_user_namespaces")
	return err == nil && strings.TrimSpace(string(b)) == "0"
}
