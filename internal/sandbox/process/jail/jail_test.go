package jail

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// runJail runs argv in a jail and returns what it wrote.
func runJail(t *testing.T, h *Host, argv ...string) (string, error) {
	t.Helper()
	binds, links, err := HostRuntime()
	if err != nil {
		t.Fatal(err)
	}
	code := t.TempDir()
	os.WriteFile(filepath.Join(code, "hello.txt"), []byte("hello"), 0o444)
	binds = append(binds, Bind{Source: code, Target: "/code"})
	spec := &Spec{Root: t.TempDir(), Binds: binds, Links: links, Files: IdentityFiles("jailed", 1000000, 1000000),
		TmpBytes: 1 << 20, ShmBytes: 1 << 20, Hostname: "jailed", UID: 1000000, GID: 1000000,
		Argv: argv, Env: []string{"PATH=/usr/bin:/bin"}, Dir: "/code"}
	cg, err := h.NewCgroup("test-"+filepath.Base(spec.Root), Limits{MemoryBytes: 256 << 20, CPU: 1, Pids: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer cg.Remove()
	l, err := Command(spec)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	l.Cmd.Stdout, l.Cmd.Stderr = &out, &out
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	if err := cg.Add(l.Cmd.Process.Pid); err != nil {
		l.Abort()
		l.Cmd.Wait()
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		l.Cmd.Wait()
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
print(open("/proc/self/status").read().split("CapEff:")[1].split()[0])
print("nnp", open("/proc/self/status").read().split("NoNewPrivs:")[1].split()[0])
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("mount", libc.mount(b"none", b"/tmp", b"tmpfs", 0, None), ctypes.get_errno())
print("unshare", libc.unshare(0x10000000), ctypes.get_errno())
`
	out, err := runJail(t, h, "python3", "-c", script)
	t.Logf("out:\n%s", out)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{"uid 1000000 1000000", "host jailed", "processes 2 init 1 self True", "orphan reaped True", "code hello",
		"exists /etc/shadow False", "exists /root False", "write code 30", "tmp ok", "0000000000000000",
		"nnp 1", "mount -1 1", "unshare -1 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestJailExecError(t *testing.T) {
	h := probeHost(t)
	_, err := runJail(t, h, "/code/hello.txt")
	if !IsExecError(err) {
		t.Errorf("got %v, want an *ExecError", err)
	}
}
