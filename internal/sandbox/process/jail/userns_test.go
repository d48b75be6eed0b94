package jail

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStage2Args(t *testing.T) {
	st := &stage2{check: true, uid: 7, gid: 8, prog: "/bin/x", argv: []string{"x", ""}, env: []string{"A=1", "B="}}
	got, err := decodeStage2(st.encode())
	if err != nil {
		t.Fatal(err)
	}
	if got.check != st.check || got.uid != st.uid || got.gid != st.gid || got.prog != st.prog ||
		!slices.Equal(got.argv, st.argv) || !slices.Equal(got.env, st.env) {
		t.Errorf("decodeStage2(encode()) = %+v, want %+v", got, st)
	}
	for _, bad := range [][]string{
		{stage2Arg0, "run", "7", "8", "/bin/x"},
		{stage2Arg0, "exec", "7", "8", "/bin/x", "1", "x"},
		{stage2Arg0, "run", "7", "8", "/bin/x", "2", "x"},
		{stage2Arg0, "run", "7", "8", "/bin/x", "0"},
		{stage2Arg0, "run", "u", "8", "/bin/x", "1", "x"},
		{initArg0, "run", "7", "8", "/bin/x", "1", "x"},
	} {
		if _, err := parseStage2(bad); err == nil {
			t.Errorf("parseStage2(%q) succeeded, want an error", bad)
		}
	}
}

// TestJailSignalDuringStage2 signals the init while stage 2 still has the
// host's root uid, which the init (already the jail's user) may not
// signal: the signal must still reach the program. It starts jails until
// it catches one in that window, and checks that stage 2's command line,
// which every user of the host can read, holds only its marker (not the
// program's environment).
func TestJailSignalDuringStage2(t *testing.T) {
	h := probeHost(t)
	forMode(t, h, true)
	for range 50 {
		spec := testSpec(t, true, "/bin/sleep", "30")
		var out bytes.Buffer
		spec.Deferred = true // Prepare: the jail is built, the program comes with Exec
		l, err := startJail(t, h, spec, &out)
		if err != nil {
			t.Fatal(err)
		}
		caught := make(chan string)
		go func() { caught <- signalInStage2(l.Cmd.Process.Pid) }()
		err = l.Exec(&Exec{Argv: spec.Argv, Env: spec.Env, Dir: spec.Dir})
		cmdline := <-caught
		if cmdline == "" {
			l.Cmd.Process.Kill()
			l.Cmd.Wait()
			continue
		}
		if err != nil {
			t.Fatalf("exec: %v", err)
		}
		if cmdline != stage2Arg0+"\x00" {
			t.Errorf("stage 2's command line is %q, want only %q", cmdline, stage2Arg0)
		}
		exited := make(chan error, 1)
		go func() { exited <- l.Cmd.Wait() }()
		select {
		case err := <-exited:
			if code := exitCode(err); code != 128+int(syscall.SIGTERM) {
				t.Errorf("got status %d, want %d (%s)", code, 128+int(syscall.SIGTERM), out.String())
			}
		case <-time.After(10 * time.Second):
			l.Cmd.Process.Kill()
			t.Errorf("the program still runs 10s after SIGTERM: the signal was lost")
		}
		return
	}
	t.Skip("never caught stage 2 before its change of uid")
}

// signalInStage2 sends SIGTERM to the init initPID when it sees its child
// as stage 2 with uid 0, for up to two seconds, and returns the child's
// command line then, or "" if it never saw it.
func signalInStage2(initPID int) string {
	children := "/proc/" + strconv.Itoa(initPID) + "/task/" + strconv.Itoa(initPID) + "/children"
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		b, _ := os.ReadFile(children)
		for _, pid := range strings.Fields(string(b)) {
			cmdline, _ := os.ReadFile("/proc/" + pid + "/cmdline")
			status, _ := os.ReadFile("/proc/" + pid + "/status")
			if strings.HasPrefix(string(cmdline), stage2Arg0+"\x00") && strings.Contains(string(status), "\nUid:\t0\t") {
				syscall.Kill(initPID, syscall.SIGTERM)
				return string(cmdline)
			}
		}
	}
	return ""
}
