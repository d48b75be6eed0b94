package jail

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// namespaces are the namespaces every jail gets.
const namespaces = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWIPC |
	syscall.CLONE_NEWUTS | syscall.CLONE_NEWNET

// releaseWait bounds how long the init may take from the spec to execve.
const releaseWait = 30 * time.Second

// ExecError is a jail that was built but whose program could not be
// executed: not found, not executable, a bad interpreter line. It is the
// program's fault, not the host's.
type ExecError struct{ Message string }

func (e *ExecError) Error() string { return e.Message }

// Launch is a jail being started. Its child waits in the init, in its new
// namespaces, until Release.
type Launch struct {
	Cmd *exec.Cmd // set Stdout and Stderr before Start

	spec           []byte
	specW, reportR *os.File // the host's ends
	specR, reportW *os.File // the child's ends, closed by Start
}

// Command prepares the jail of spec. The caller sets Cmd.Stdout and
// Cmd.Stderr, calls Start, moves the child into its cgroup (Cgroup.Add with
// Cmd.Process.Pid), then calls Release.
func Command(spec *Spec) (*Launch, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("jail spec: %w", err)
	}
	l := &Launch{spec: data}
	if l.specR, l.specW, err = os.Pipe(); err != nil {
		return nil, fmt.Errorf("jail: %w", err)
	}
	if l.reportR, l.reportW, err = os.Pipe(); err != nil {
		l.closeAll()
		return nil, fmt.Errorf("jail: %w", err)
	}
	l.Cmd = &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{initArg0},
		// The init allocates little and runs for milliseconds.
		Env:        []string{"GOMAXPROCS=1", "GOGC=off"},
		ExtraFiles: []*os.File{l.specR, l.reportW}, // fds 3 and 4
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: namespaces,
			Setpgid:    true,
			// Signalled when the thread that forked exits. Go does not end
			// threads that are not locked, so in practice: when Yun exits.
			// The init sets it again after its change of uid clears it.
			Pdeathsig: syscall.SIGKILL,
		},
	}
	return l, nil
}

// Start starts the init. On error nothing is left.
func (l *Launch) Start() error {
	err := l.Cmd.Start()
	l.specR.Close()
	l.reportW.Close()
	if err != nil {
		l.specW.Close()
		l.reportR.Close()
		return fmt.Errorf("start jail: %w", err)
	}
	return nil
}

// Release hands the spec to the init and waits until it has executed the
// program. An *ExecError means the program could not be executed; any other
// error, that the jail could not be built.
func (l *Launch) Release() error {
	_, werr := l.specW.Write(l.spec)
	return l.finish(werr)
}

// Prepare hands a Deferred spec to the init, which builds the jail and
// waits for Exec. It does not wait for the build: a failure is what Exec
// returns.
func (l *Launch) Prepare() error {
	if _, err := l.specW.Write(l.spec); err != nil {
		return fmt.Errorf("jail init: send spec: %w", err)
	}
	return nil
}

// Exec gives a prepared Deferred jail its program and waits until the init
// has executed it, as Release does.
func (l *Launch) Exec(e *Exec) error {
	if err := e.Validate(); err != nil {
		l.specW.Close()
		l.reportR.Close()
		return err
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("jail exec: %w", err)
	}
	_, werr := l.specW.Write(data)
	return l.finish(werr)
}

// finish closes the spec pipe and reads the init's report until EOF.
func (l *Launch) finish(werr error) error {
	l.specW.Close()
	defer l.reportR.Close()
	l.reportR.SetReadDeadline(time.Now().Add(releaseWait))
	data, err := io.ReadAll(l.reportR)
	if err != nil {
		return fmt.Errorf("jail init: %w", err)
	}
	if len(data) == 0 {
		if werr != nil { // the init died before reading its spec
			return fmt.Errorf("jail init: send spec: %w", werr)
		}
		return nil // execve closed the report pipe
	}
	return decodeReport(data)
}

// decodeReport turns the init's report into an error, or nil for a
// successful Check.
func decodeReport(data []byte) error {
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("jail init: unreadable report %q: %w", data, err)
	}
	switch {
	case r.Error == "":
		return nil
	case r.Stage == stageExec:
		return &ExecError{Message: r.Error}
	}
	return fmt.Errorf("jail init: %s", r.Error)
}

// Abort kills a started init that will not be released.
func (l *Launch) Abort() {
	l.Cmd.Process.Kill()
	l.specW.Close()
	l.reportR.Close()
}

func (l *Launch) closeAll() {
	for _, f := range []*os.File{l.specR, l.specW, l.reportR, l.reportW} {
		if f != nil {
			f.Close()
		}
	}
}

// IsExecError says whether err is a program that could not be executed.
func IsExecError(err error) bool {
	var e *ExecError
	return errors.As(err, &e)
}
