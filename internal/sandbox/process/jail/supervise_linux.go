package jail

import (
	"os"
	"syscall"
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

// forward sends the signals the init receives to the program.
func forward(child int, signals <-chan os.Signal) {
	for sig := range signals {
		syscall.Kill(child, sig.(syscall.Signal))
	}
}

// exitStatus is the program's exit code, or 128+n when signal n killed it,
// as a shell reports it: pid 1 cannot die of a signal it sends itself.
func exitStatus(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
