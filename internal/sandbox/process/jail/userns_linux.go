package jail

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The program in a user namespace of its own (Spec.UserNamespace).
//
// The jail's other namespaces and its mounts are made by the init as real
// root and stay owned by the initial user namespace: a user namespace made
// with them would own them, and its root could then neither walk Yun's
// root-only directories nor mount /proc on hosts that mask parts of theirs.
// Only the program gets a new user namespace, in which its uid and gid are
// the only ones mapped (to themselves). Whatever capability it could ever
// regain in it governs nothing of the jail: the namespace owns no other
// namespace, and the filter refuses it new ones.
//
// A Go process cannot unshare a user namespace (it has threads), so the init
// forks the program's process into one (clone with CLONE_NEWUSER; Go writes
// the maps from the init) and that process re-runs this executable as a
// second stage, which recognises stage2Arg0 as the init recognises initArg0:
//
//	init (real root)                       stage 2 (new user namespace)
//	setgroups(none)
//	fork, clone(CLONE_NEWUSER),         →  exec /proc/self/exe, keeping
//	write uid_map and gid_map              CAP_SETUID, SETGID, SETPCAP (ambient)
//	send the program on a pipe          →  read it (argv, environment)
//	drop privileges, seccomp               drop the bounding set, setresgid,
//	                                       setresuid, no capabilities,
//	                                       no_new_privs, seccomp
//	supervise                              execve the program; its report
//	                                       descriptor closes (EOF: it runs)
//
// Stage 2 stays the host's root uid until it changes it itself, so that it
// can execute Yun's binary even where only root may (that uid is not mapped
// in the namespace: its capabilities there come from the ambient set, and
// the file's owner bits from the uid). Meanwhile the init, already the
// jail's user, may not signal it: forward retries (supervise_linux.go).
// setgroups is denied in the namespace ("deny" in /proc/<pid>/setgroups),
// so the init empties its own supplementary groups before the fork and
// stage 2 checks that it has none.
//
// The cost is a second start of Yun's binary per jail (its runtime and the
// package initialisation up to this package's init), a few milliseconds.

// stage2Arg0 is argv[0] of stage 2.
const stage2Arg0 = "yun-jail-stage2"

// Descriptors the init hands to stage 2.
const (
	stage2ReportFD = 3 // as reportFD of the init
	stage2SpecFD   = 4 // its stage2, read until EOF
)

// stage2Caps are the capabilities stage 2 keeps through its exec, in its
// own user namespace only, to become the jail's user.
var stage2Caps = []uintptr{unix.CAP_SETUID, unix.CAP_SETGID, unix.CAP_SETPCAP}

// stage2 is what stage 2 receives on stage2SpecFD: not on its command
// line, which every user of the host can read in /proc/PID/cmdline, nor as
// its environment, so that none of the program's GODEBUG, GOMAXPROCS and
// the like reaches stage 2's Go runtime.
type stage2 struct {
	check    bool // stop before execve (Spec.Check)
	uid, gid int
	prog     string
	argv     []string
	env      []string
}

// args lists st's fields as strings, the form encode joins.
func (st *stage2) args() []string {
	mode := "run"
	if st.check {
		mode = "check"
	}
	a := []string{stage2Arg0, mode, strconv.Itoa(st.uid), strconv.Itoa(st.gid), st.prog, strconv.Itoa(len(st.argv))}
	return append(append(a, st.argv...), st.env...)
}

// encode is st as stage 2 reads it: args joined by NUL bytes, which no
// argument or environment entry can hold (execve takes C strings).
func (st *stage2) encode() []byte { return []byte(strings.Join(st.args(), "\x00")) }

// decodeStage2 is the inverse of encode.
func decodeStage2(data []byte) (*stage2, error) {
	return parseStage2(strings.Split(string(data), "\x00"))
}

// parseStage2 decodes the list args made. Its errors do not quote it: it
// holds the program's environment.
func parseStage2(a []string) (*stage2, error) {
	bad := fmt.Errorf("stage 2: malformed spec of %d fields", len(a))
	if len(a) < 6 || a[0] != stage2Arg0 || (a[1] != "run" && a[1] != "check") {
		return nil, bad
	}
	st := &stage2{check: a[1] == "check", prog: a[4]}
	var ids [3]int
	for i, s := range []string{a[2], a[3], a[5]} {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, bad
		}
		ids[i] = n
	}
	st.uid, st.gid = ids[0], ids[1]
	n := ids[2]
	if n < 1 || n > len(a)-6 {
		return nil, bad
	}
	st.argv, st.env = a[6:6+n], a[6+n:]
	return st, nil
}

// startInUserNS starts stage 2 for the program prog of s in a new user
// namespace, then drops the init's own privileges. It returns stage 2's
// pid, which becomes the program's.
func startInUserNS(s *Spec, prog string) (int, error) {
	// The child gets the groups of the thread that forks, this one (the
	// init is locked to it), and Setgroups changes only the caller's.
	if err := unix.Setgroups(nil); err != nil {
		return 0, fmt.Errorf("setgroups: %w", err)
	}
	st := &stage2{check: s.Check, uid: s.UID, gid: s.GID, prog: prog, argv: s.Argv, env: s.Env}
	specR, specW, err := os.Pipe()
	if err != nil {
		return 0, fmt.Errorf("stage 2: %w", err)
	}
	defer specW.Close()
	pid, err := syscall.ForkExec("/proc/self/exe", []string{stage2Arg0}, &syscall.ProcAttr{
		Env:   []string{"GOMAXPROCS=1", "GOGC=off"},
		Files: []uintptr{0, 1, 2, reportFD, specR.Fd()},
		Sys: &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: s.UID, HostID: s.UID, Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: s.GID, HostID: s.GID, Size: 1}},
			AmbientCaps: stage2Caps,
			Pdeathsig:   syscall.SIGKILL,
		},
	})
	specR.Close()
	if err != nil {
		return 0, fmt.Errorf("start the program in a user namespace: %w", err)
	}
	// Stage 2 reads while this writes (the pipe holds less than an
	// environment may); if it died, its report says why.
	specW.Write(st.encode())
	specW.Close()
	if err := dropPrivileges(s.UID, s.GID); err != nil {
		return 0, err
	}
	return pid, installFilter()
}

// stage2Main is stage 2: it makes itself the jail's user and executes the
// program, or reports why not on its report descriptor and returns 126. In
// a Check it returns 0 before execve instead.
func stage2Main() int {
	// Package init runs on the main thread; what is per thread below
	// (capabilities, the filter's no_new_privs) must be on the one that
	// executes the program.
	runtime.LockOSThread()
	unix.CloseOnExec(stage2ReportFD)
	rep := os.NewFile(stage2ReportFD, "report")
	// Caught, not ignored (an ignored signal stays ignored across execve):
	// a signal meant for the program that comes before it runs neither
	// dumps Yun's goroutines into the function's log (SIGQUIT) nor is
	// mistaken for the program's fault; the init forwards SIGTERM and the
	// like, which end stage 2 as they would end the program.
	signal.Notify(make(chan os.Signal, 1), unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2)
	spec := os.NewFile(stage2SpecFD, "stage 2 spec")
	data, err := io.ReadAll(io.LimitReader(spec, maxMessage))
	spec.Close()
	if err != nil {
		return fail(rep, stageSetup, fmt.Errorf("stage 2: read its spec: %w", err))
	}
	st, err := decodeStage2(data)
	if err != nil {
		return fail(rep, stageSetup, err)
	}
	if err := becomeUser(st.uid, st.gid); err != nil {
		return fail(rep, stageSetup, err)
	}
	if err := installFilter(); err != nil {
		return fail(rep, stageSetup, err)
	}
	if st.check {
		return 0
	}
	err = syscall.Exec(st.prog, st.argv, st.env)
	return fail(rep, stageExec, fmt.Errorf("exec %s: %w", st.argv[0], err))
}

// becomeUser is dropPrivileges for stage 2, whose supplementary groups
// cannot be set in its namespace: it checks that there are none instead.
func becomeUser(uid, gid int) error {
	groups, err := unix.Getgroups()
	if err != nil {
		return fmt.Errorf("getgroups: %w", err)
	}
	if len(groups) > 0 {
		return fmt.Errorf("supplementary groups %v, want none", groups)
	}
	return changeUser(uid, gid)
}
