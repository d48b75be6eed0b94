package process_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// writePython writes index.py into a new code dir.
func writePython(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.py"), []byte(src), 0o444); err != nil {
		t.Fatal(err)
	}
	return dir
}

// invokeText invokes inst once and returns its answer, failing on an
// error of the function.
func invokeText(t *testing.T, inst sandbox.Instance, body string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "h", Body: []byte(body)})
	if err != nil {
		t.Fatalf("Invoke = %v", err)
	}
	if res.ErrorType != "" {
		t.Fatalf("the function failed: %s %s", res.ErrorType, res.Body)
	}
	return strings.Trim(string(res.Body), `"`)
}

// TestSocketBuffersCharged: a 128 MB function cannot queue much more than
// its memory in TCP socket buffers. It connects loopback sockets in its own
// network namespace and writes into them without ever reading, until it has
// queued 400 MB or its writes have made no progress for 2 s. On cgroup v1
// the socket buffers are charged only when memory.kmem.tcp.limit_in_bytes
// is set; cgroup v2 charges them to memory.max.
func TestSocketBuffersCharged(t *testing.T) {
	e := newEngine(t, process.IsolationSandbox)
	// Each connection holds up to net.ipv4.tcp_wmem[2] (4 MB by default) in
	// its send queue plus an unread receive window: 128 of them can queue
	// the 400 MB.
	src := `import socket, time
def handler(event, context):
    target, conns = 400 << 20, 128
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(conns)
    pairs = []
    total, err = 0, ''
    try:
        for _ in range(conns):
            a = socket.create_connection(srv.getsockname(), timeout=2)
            b, _ = srv.accept()
            a.setblocking(False)
            pairs.append((a, b))
        chunk = b'x' * 65536
        start = last = time.monotonic()
        while total < target and time.monotonic() - last < 2 and time.monotonic() - start < 15:
            moved = False
            for a, _ in pairs:
                try:
                    total += a.send(chunk)
                    moved = True
                except BlockingIOError:
                    pass
            if moved:
                last = time.monotonic()
            else:
                time.sleep(0.02)
    except OSError as e:
        err = repr(e)
    finally:
        for a, b in pairs:
            b.close()  # unread data: a reset, which frees both queues
            a.close()
        srv.close()
    return '%d %d %s' % (total, len(pairs), err)
`
	inst := startSpec(t, e, &sandbox.Spec{Runtime: "python3", Handler: "index.handler", CodeDir: writePython(t, src),
		MemoryMB: 128, Timeout: 30 * time.Second})
	start := time.Now()
	answer := invokeText(t, inst, "{}")
	f := strings.Fields(answer)
	queued, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || len(f) < 2 {
		t.Fatalf("answer %q", answer)
	}
	t.Logf("queued %d MB in %s connections in %v (%s)", queued>>20, f[1], time.Since(start).Round(time.Millisecond), strings.Join(f[2:], " "))
	if queued > 200<<20 {
		t.Errorf("a 128 MB function queued %d MB in TCP socket buffers", queued>>20)
	}
	if queued < 1<<20 {
		t.Errorf("the function queued only %d bytes: the test measures nothing", queued)
	}
}

// TestOpenFileLimit: the program's RLIMIT_NOFILE is 65536, soft and hard
// (or Yun's own hard limit if lower): not Yun's hard limit, which it could
// otherwise raise its soft limit to. To tell the two apart the test runs Yun
// with a low soft limit, and a hard limit above 65536 when it may raise it
// (CAP_SYS_RESOURCE); the limits are restored after.
func TestOpenFileLimit(t *testing.T) {
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	test := syscall.Rlimit{Cur: min(orig.Cur, 1024), Max: max(orig.Max, 1<<17)}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &test); err != nil {
		t.Logf("cannot raise the hard limit above %d: %v", orig.Max, err)
		test.Max = orig.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &test); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig) })
	var host syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &host); err != nil {
		t.Fatal(err)
	}
	want := min(host.Max, 65536)
	e := newEngine(t, process.IsolationSandbox)
	src := `import resource
def handler(event, context):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard + 1, hard + 1))
        raised = 'raised'
    except (ValueError, OSError):
        raised = 'refused'
    return '%d %d %s' % (soft, hard, raised)
`
	inst := startSpec(t, e, &sandbox.Spec{Runtime: "python3", Handler: "index.handler", CodeDir: writePython(t, src),
		MemoryMB: 128, Timeout: 30 * time.Second})
	answer := invokeText(t, inst, "{}")
	t.Logf("Yun's limits %d, %d; the function's soft, hard limit and raising it: %s", host.Cur, host.Max, answer)
	if want := strconv.FormatUint(want, 10) + " " + strconv.FormatUint(want, 10) + " refused"; answer != want {
		t.Errorf("the function's RLIMIT_NOFILE = %q, want %q", answer, want)
	}
}

// TestSocketFamilies: a function may make sockets of the families its
// namespaces confine (and netlink), but not AF_VSOCK, which no namespace
// confines: socket(2) fails with EAFNOSUPPORT, as on a kernel without it.
func TestSocketFamilies(t *testing.T) {
	e := newEngine(t, process.IsolationSandbox)
	src := `import socket
def attempt(f):
    try:
        f().close()
        return 'ok'
    except OSError as e:
        return 'errno%d' % e.errno
def pair(family):
    a, b = socket.socketpair(family, socket.SOCK_STREAM)
    b.close()
    return a
def handler(event, context):
    out = {
        'vsock': attempt(lambda: socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM, 0)),
        'vsock-dgram': attempt(lambda: socket.socket(socket.AF_VSOCK, socket.SOCK_DGRAM, 0)),
        'vsock-pair': attempt(lambda: pair(socket.AF_VSOCK)),
        'packet': attempt(lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)),
        'inet': attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
        'inet-udp': attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
        'inet6': attempt(lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM)),
        'unix': attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
        'unix-pair': attempt(lambda: pair(socket.AF_UNIX)),
        'netlink': attempt(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)),
    }
    return ' '.join('%s=%s' % kv for kv in sorted(out.items()))
`
	inst := startSpec(t, e, &sandbox.Spec{Runtime: "python3", Handler: "index.handler", CodeDir: writePython(t, src),
		MemoryMB: 128, Timeout: 30 * time.Second})
	answer := invokeText(t, inst, "{}")
	t.Logf("%s", answer)
	want := "inet=ok inet-udp=ok inet6=ok netlink=ok packet=errno97 unix=ok unix-pair=ok " +
		"vsock=errno97 vsock-dgram=errno97 vsock-pair=errno97"
	if answer != want {
		t.Errorf("socket families:\n got %s\nwant %s", answer, want)
	}
}
