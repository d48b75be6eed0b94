package jail

import (
	"os"
	"syscall"
	"time"
)

// supervise is the init's life after it started the program: pid 1 of the
// jail, it reaps every process that ends (orphans are re-parented to it, and
// unreaped they would hold their pids against the pids limit), passes the
// signals it receives on to the program, and exits with the program's
// status when the program ends, which makes the kernel kill whatever else
// still runs in the jail.
//
// Pid 1 receives only the signals it handles, and the program is not pid 1,
// so SIGTERM and the like keep their usual meaning for it.
func supervise(child int, signals <-chan os.Signal) int {
	go forward(child, signals) // ends with the process
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil: // ECHILD: cannot happen while child lives
			return 125
		case pid == child:
			return exitStatus(ws)
		}
	}
}

// forward sends the signals the init receives to the program. A program
// in a user namespace keeps the host's root uid for its first milliseconds
// (stage 2, userns_linux.go), when the init, already the jail's user, may
// not signal it: such a signal is tried again for up to forwardRetry.
func forward(child int, signals <-chan os.Signal) {
	for sig := range signals {
		for deadline := time.Now().Add(forwardRetry); ; time.Sleep(time.Millisecond) {
			err := syscall.Kill(child, sig.(syscall.Signal))
			if err != syscall.EPERM || time.Now().After(deadline) {
				break
			}
		}
	}
}

// forwardRetry bounds the retries of a signal the program cannot receive yet.
const forwardRetry = time.Second

// exitStatus is the program's exit code, or 128+n when signal n killed it,
// as a shell reports it: pid 1 cannot die of a signal it sends itself.
func exitStatus(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
