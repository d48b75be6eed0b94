package jail

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// initArg0 is argv[0] of a jail's init: how the init recognises itself.
const initArg0 = "yun-jail-init"

// Descriptors the host hands to the init.
const (
	specFD   = 3 // the Spec as JSON, read until EOF
	reportFD = 4 // closed by the init once the program runs: EOF means it does
)

// Stages a report names: a failure to exec the program is the program's
// (not executable, a bad interpreter line); any other is the jail's.
const (
	stageSetup = "setup"
	stageExec  = "exec"
)

// report is what the init writes on reportFD when it does not start the
// program: a failure, or an empty Error after a successful Check.
type report struct {
	Stage string `json:"stage,omitempty"`
	Error string `json:"error,omitempty"`
}

// init takes over the process when it is a jail's init or the second stage
// of its program (userns_linux.go). For any other process it is a string
// comparison or two.
func init() {
	if len(os.Args) == 0 {
		return
	}
	switch os.Args[0] {
	case initArg0:
		exit(initMain())
	case stage2Arg0:
		exit(stage2Main())
	}
}

// exit ends the init or stage 2 at once. os.Exit would, in a binary built
// with the race detector, first wait a second (GORACE atexit_sleep_ms) for
// reports still being written, which made every jail of a -race test a
// second slower, and two with stage 2; a race found is reported when found.
func exit(code int) { unix.Exit(code) }

// initMain builds the jail, starts the program and stays as its pid 1; it
// returns the program's exit status, or a failure's.
func initMain() int {
	// Credentials, capabilities, no_new_privs and the seccomp filter are
	// per thread: everything happens on this thread, which also forks the
	// program.
	runtime.LockOSThread()
	unix.CloseOnExec(reportFD)
	rep := os.NewFile(reportFD, "report")
	if err := closeInheritedOnExec(reportFD + 1); err != nil {
		return fail(rep, stageSetup, err)
	}
	in := os.NewFile(specFD, "spec")
	dec := json.NewDecoder(io.LimitReader(in, maxMessage))
	spec, err := readSpec(dec)
	if err != nil {
		return fail(rep, stageSetup, err)
	}
	if err := build(spec); err != nil {
		return fail(rep, stageSetup, err)
	}
	if spec.Deferred { // a pre-warmed jail: the program comes later
		if err := readExec(dec, spec); err != nil {
			return fail(rep, stageSetup, err)
		}
	}
	in.Close()
	prog, err := enter(spec)
	if err != nil {
		return fail(rep, stageSetup, err)
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2)
	start := startProgram
	if spec.UserNamespace {
		start = startInUserNS
	}
	child, err := start(spec, prog)
	if err != nil {
		return fail(rep, stageSetup, err)
	}
	if spec.Check {
		return checked(rep, child, signals)
	}
	rep.Close() // the program (or stage 2 until its execve) holds the other end
	return supervise(child, signals)
}

// startProgram drops the init's privileges and starts the program with
// them, in the init's user namespace. It returns the program's pid, or 0 in a
// Check.
func startProgram(s *Spec, prog string) (int, error) {
	if err := dropPrivileges(s.UID, s.GID); err != nil {
		return 0, err
	}
	if err := installFilter(); err != nil {
		return 0, err
	}
	if s.Check {
		return 0, nil
	}
	child, err := syscall.ForkExec(prog, s.Argv, &syscall.ProcAttr{
		Env: s.Env, Files: []uintptr{0, 1, 2},
		Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		return 0, &execError{fmt.Errorf("exec %s: %w", s.Argv[0], err)}
	}
	return child, nil
}

// checked ends a Check: it reports success once stage 2, if there is one
// (child is not 0), has gone through its steps too. Stage 2 reports its own
// failures and exits 126.
func checked(rep *os.File, child int, signals <-chan os.Signal) int {
	if child != 0 {
		switch status := supervise(child, signals); status {
		case 0:
		case 126:
			return status
		default:
			return fail(rep, stageSetup, fmt.Errorf("stage 2 exited with status %d", status))
		}
	}
	json.NewEncoder(rep).Encode(report{})
	return 0
}

// closeInheritedOnExec marks every descriptor from first up close-on-exec.
// Go opens its own so, but whatever Yun inherited without the flag (a pipe
// of its parent's, a terminal) would otherwise reach every program through
// the init.
func closeInheritedOnExec(first int) error {
	if err := unix.CloseRange(uint(first), math.MaxUint32, unix.CLOSE_RANGE_CLOEXEC); err == nil {
		return nil
	}
	entries, err := os.ReadDir("/proc/self/fd") // kernels before 5.11
	if err != nil {
		return fmt.Errorf("list descriptors: %w", err)
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd >= first {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}

// readSpec reads the Spec, the first JSON value on the spec descriptor. A
// Deferred spec is followed by an Exec; any other by EOF.
func readSpec(dec *json.Decoder) (*Spec, error) {
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode spec: %w", err)
	}
	return &s, nil
}

// maxMessage bounds the spec and the exec message the host sends.
const maxMessage = 16 << 20

// readExec waits for the Exec of a Deferred jail, the second JSON value on
// the spec descriptor (the same decoder: it may hold its first bytes), and
// puts it into s.
func readExec(dec *json.Decoder, s *Spec) error {
	var e Exec
	if err := dec.Decode(&e); err != nil {
		return fmt.Errorf("decode exec: %w", err)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	s.Argv, s.Env, s.Dir = e.Argv, e.Env, e.Dir
	return nil
}

// build makes the jail's root, network and host name.
func build(s *Spec) error {
	if err := buildRoot(s); err != nil {
		return err
	}
	if err := loopbackUp(); err != nil {
		return err
	}
	if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
		return fmt.Errorf("sethostname: %w", err)
	}
	return nil
}

// enter moves into the program's working directory and returns the
// program's path.
func enter(s *Spec) (string, error) {
	if err := unix.Chdir(s.Dir); err != nil {
		return "", fmt.Errorf("chdir %s: %w", s.Dir, err)
	}
	prog, err := lookPath(s.Argv[0], s.Env)
	if err != nil {
		return "", &execError{err}
	}
	return prog, nil
}

// execError marks a failure to find or execute the program: the program's,
// not the jail's.
type execError struct{ err error }

func (e *execError) Error() string { return e.err.Error() }

// fail reports err and returns the init's exit status.
func fail(rep *os.File, stage string, err error) int {
	if _, ok := err.(*execError); ok {
		stage = stageExec
	}
	json.NewEncoder(rep).Encode(report{Stage: stage, Error: err.Error()})
	return 126
}

// lookPath finds prog as execve's caller would: a name with a slash is a
// path, a bare name is searched in env's PATH.
func lookPath(prog string, env []string) (string, error) {
	if strings.Contains(prog, "/") {
		return prog, nil
	}
	var path string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		candidate := filepath.Join(dir, prog)
		if fi, err := os.Stat(candidate); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("%q not found in PATH %q", prog, path)
}
