package jail

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// probeHost returns the host's jail support or skips the test.
func probeHost(t *testing.T) *Host {
	t.Helper()
	h, err := Probe(t.TempDir())
	if err != nil {
		t.Skipf("no jails here: %v", err)
	}
	return h
}

// testUID is the jail's user in these tests.
const testUID = 1000000

// modes are the two ways a jail starts its program.
var modes = []struct {
	name   string
	userNS bool
}{{"user namespace", true}, {"initial user namespace", false}}

// forMode skips a user-namespace mode where the host has none.
func forMode(t *testing.T, h *Host, userNS bool) {
	t.Helper()
	if ok, why := h.UserNamespaces(); userNS && !ok {
		t.Skipf("no user namespaces here: %v", why)
	}
}

// testSpec is a jail for argv with the host's runtime, code at /code (a
// file and a script with a missing interpreter) and the user testUID.
func testSpec(t testing.TB, userNS bool, argv ...string) *Spec {
	t.Helper()
	binds, links, err := HostRuntime()
	if err != nil {
		t.Fatal(err)
	}
	code := t.TempDir()
	os.WriteFile(filepath.Join(code, "hello.txt"), []byte("hello"), 0o444)
	os.WriteFile(filepath.Join(code, "bad.sh"), []byte("#!/no/such/interpreter\n"), 0o555)
	binds = append(binds, Bind{Source: code, Target: "/code"})
	return &Spec{Root: t.TempDir(), Binds: binds, Links: links, Files: IdentityFiles("jailed", testUID, testUID),
		TmpBytes: 1 << 20, ShmBytes: 1 << 20, Hostname: "jailed", UID: testUID, GID: testUID,
		Argv: argv, Env: []string{"PATH=/usr/bin:/bin"}, Dir: "/code", UserNamespace: userNS}
}

// startJail starts spec in a cgroup of its own and returns it once the
// init has read its spec (Release), or, for a Deferred spec, once the init
// has it (Prepare). The cgroup is removed at the end of the test.
func startJail(t testing.TB, h *Host, spec *Spec, out *bytes.Buffer) (*Launch, error) {
	t.Helper()
	cg, err := h.NewCgroup("test-"+filepath.Base(spec.Root), Limits{MemoryBytes: 256 << 20, CPU: 1, Pids: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cg.Remove() })
	l, err := Command(spec)
	if err != nil {
		t.Fatal(err)
	}
	l.Cmd.Stdout, l.Cmd.Stderr = out, out
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	if err := cg.Add(l.Cmd.Process.Pid); err != nil {
		l.Abort()
		l.Cmd.Wait()
		t.Fatal(err)
	}
	if spec.Deferred {
		return l, l.Prepare()
	}
	if err := l.Release(); err != nil {
		l.Cmd.Wait()
		return nil, err
	}
	return l, nil
}

// runJail runs argv in a jail and returns what it wrote.
func runJail(t testing.TB, h *Host, userNS bool, argv ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	l, err := startJail(t, h, testSpec(t, userNS, argv...), &out)
	if err != nil {
		return out.String(), err
	}
	err = l.Cmd.Wait()
	return out.String(), err
}

func TestJailPython(t *testing.T) {
	h := probeHost(t)
	script := `
import os, socket
print("uid", os.getuid(), os.getgid())
print("host", socket.gethostname())
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print("processes", len(pids), "init", pids[0], "self", os.getpid() in pids)
# An orphan: its parent exits first, so pid 1 must reap it.
r, w = os.pipe()
if os.fork() == 0:
    g = os.fork()
    if g == 0:
        os._exit(0)
    os.write(w, str(g).encode())
    os._exit(0)
orphan = int(os.read(r, 32))
import time
for _ in range(200):
    if not os.path.exists("/proc/%d" % orphan):
        break
    time.sleep(0.01)
print("orphan reaped", not os.path.exists("/proc/%d" % orphan))
print("code", open("/code/hello.txt").read())
for path in ["/etc/shadow", "/root", "/work"]:
    print("exists", path, os.path.exists(path))
try:
    open("/code/x", "w")
except OSError as e:
    print("write code", e.errno)
open("/tmp/ok", "w").write("x")
print("tmp ok")
status = dict(l.split(":", 1) for l in open("/proc/self/status").read().splitlines())
for cap in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]:
    print(cap, status[cap].strip())
print("nnp", status["NoNewPrivs"].strip(), "seccomp", status["Seccomp"].strip(), status["Seccomp_filters"].strip())
print("groups", os.getgroups())
print("uid_map", " ".join(open("/proc/self/uid_map").read().split()))
print("gid_map", " ".join(open("/proc/self/gid_map").read().split()))
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("mount", libc.mount(b"none", b"/tmp", b"tmpfs", 0, None), ctypes.get_errno())
print("unshare", libc.unshare(0x10000000), ctypes.get_errno())
`
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			forMode(t, h, m.userNS)
			out, err := runJail(t, h, m.userNS, "python3", "-c", script)
			t.Logf("out:\n%s", out)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			want := []string{"uid 1000000 1000000", "host jailed", "processes 2 init 1 self True", "orphan reaped True",
				"code hello", "exists /etc/shadow False", "exists /root False", "write code 30", "tmp ok",
				"CapInh 0000000000000000", "CapPrm 0000000000000000", "CapEff 0000000000000000",
				"CapBnd 0000000000000000", "CapAmb 0000000000000000", "nnp 1 seccomp 2 1", "groups []",
				"mount -1 1", "unshare -1 1"}
			if m.userNS { // only the jail's user, mapped to itself
				want = append(want, "uid_map 1000000 1000000 1", "gid_map 1000000 1000000 1")
			} else {
				want = append(want, "uid_map 0 0 4294967295")
			}
			for _, w := range want {
				if !strings.Contains(out, w+"\n") {
					t.Errorf("output lacks %q", w)
				}
			}
		})
	}
}

func TestJailExecError(t *testing.T) {
	h := probeHost(t)
	for _, m := range modes {
		for _, prog := range []string{"/code/hello.txt", "/code/bad.sh", "/code/missing", "missing"} {
			t.Run(m.name+"/"+prog, func(t *testing.T) {
				forMode(t, h, m.userNS)
				if _, err := runJail(t, h, m.userNS, prog); !IsExecError(err) {
					t.Errorf("got %v, want an *ExecError", err)
				}
			})
		}
		t.Run(m.name+"/too long", func(t *testing.T) { // E2BIG
			forMode(t, h, m.userNS)
			if _, err := runJail(t, h, m.userNS, "/bin/true", strings.Repeat("x", 256<<10)); !IsExecError(err) {
				t.Errorf("got %v, want an *ExecError", err)
			}
		})
	}
}

// TestJailExitStatus checks that the init exits with the program's status,
// 128+n when signal n killed it, the signal the init forwarded.
func TestJailExitStatus(t *testing.T) {
	h := probeHost(t)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			forMode(t, h, m.userNS)
			_, err := runJail(t, h, m.userNS, "/bin/sh", "-c", "exit 7")
			if code := exitCode(err); code != 7 {
				t.Errorf("exit 7: got status %d (%v), want 7", code, err)
			}
			var out bytes.Buffer
			l, err := startJail(t, h, testSpec(t, m.userNS, "/bin/sleep", "30"), &out)
			if err != nil {
				t.Fatal(err)
			}
			l.Cmd.Process.Signal(syscall.SIGTERM)
			if code := exitCode(l.Cmd.Wait()); code != 128+int(syscall.SIGTERM) {
				t.Errorf("SIGTERM: got status %d, want %d (%s)", code, 128+int(syscall.SIGTERM), out.String())
			}
		})
	}
}

// TestJailInheritsNoDescriptors: a descriptor the host process holds
// without close-on-exec (as Yun may inherit from its parent) does not reach
// the program.
func TestJailInheritsNoDescriptors(t *testing.T) {
	h := probeHost(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	const leaked = 100
	if err := unix.Dup3(int(w.Fd()), leaked, 0); err != nil { // no O_CLOEXEC
		t.Fatal(err)
	}
	defer unix.Close(leaked)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			forMode(t, h, m.userNS)
			out, err := runJail(t, h, m.userNS, "/bin/ls", "/proc/self/fd")
			if err != nil {
				t.Fatalf("ls: %v: %s", err, out)
			}
			if fds := strings.Fields(out); slices.Contains(fds, strconv.Itoa(leaked)) || len(fds) > 4 {
				t.Errorf("the program holds descriptors %v, want 0, 1, 2 and ls's own", fds)
			}
		})
	}
}

// TestJailDeferred runs the program of a pre-warmed jail, given after the
// jail was built.
func TestJailDeferred(t *testing.T) {
	h := probeHost(t)
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			forMode(t, h, m.userNS)
			spec := testSpec(t, m.userNS)
			spec.Deferred = true
			var out bytes.Buffer
			l, err := startJail(t, h, spec, &out)
			if err != nil {
				t.Fatal(err)
			}
			err = l.Exec(&Exec{Argv: []string{"cat", "/proc/self/uid_map", "hello.txt"}, Env: spec.Env, Dir: "/code"})
			if err != nil {
				l.Cmd.Wait()
				t.Fatalf("exec: %v", err)
			}
			if err := l.Cmd.Wait(); err != nil {
				t.Fatalf("wait: %v (%s)", err, out.String())
			}
			fields := strings.Fields(out.String())
			if want := "hello"; len(fields) == 0 || fields[len(fields)-1] != want {
				t.Errorf("output %q, want it to end with %q", out.String(), want)
			}
			if userNS := len(fields) > 0 && fields[0] == strconv.Itoa(testUID); userNS != m.userNS {
				t.Errorf("uid_map %q: in a user namespace %v, want %v", out.String(), userNS, m.userNS)
			}
		})
	}
}

// TestProbeUserNamespaces checks that Probe finds the user namespaces a
// host allows: that it says so exactly when this process can start one.
func TestProbeUserNamespaces(t *testing.T) {
	h := probeHost(t)
	ok, why := h.UserNamespaces()
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER}
	can := cmd.Run()
	if want := can == nil; ok != want {
		t.Errorf("UserNamespaces() = %v (%v), want %v (a user namespace here: %v)", ok, why, want, can)
	}
}

// exitCode is the exit status in err from exec.Cmd.Wait, 0 for nil, -1
// for another error.
func exitCode(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	return -1
}
