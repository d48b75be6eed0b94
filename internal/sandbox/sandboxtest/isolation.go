package sandboxtest

import (
	"encoding/json"
	"net"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
)

// probeDiskMB is the diskSize the isolation cases give the probe, small so
// that filling /tmp is quick.
const probeDiskMB = 16

// RunIsolation checks what an isolating engine owes on top of Run: the
// Node.js and Python probe functions (testdata/*/probe.*) must find that
// they cannot read /etc/shadow, see the host's processes, write outside
// /tmp, fill /tmp beyond diskSize, reach the host's ports on loopback or on
// its other addresses, or see its network interfaces, and that they run
// under their own hostname as a user other than the host's.
func RunIsolation(t *testing.T, newEngine func(t *testing.T) sandbox.Engine) {
	root := materialise(t)
	eng := newEngine(t)
	listener, targets := hostTargets(t)
	for _, lang := range languages() {
		t.Run(lang.name, func(t *testing.T) {
			rt := pickRuntime(eng.Runtimes(), lang.prefix)
			if rt == "" {
				t.Skipf("the engine offers no %s runtime (it has %v)", lang.name, eng.Runtimes())
			}
			s := &suite{eng: eng, runtime: rt, root: root, dir: root + "/" + lang.dir, lang: lang}
			spec := s.spec("probe.handler")
			spec.DiskMB, spec.MemoryMB = probeDiskMB, 256
			inst := start(t, eng, spec)
			event, _ := json.Marshal(map[string]any{"targets": targets, "fillMB": 2 * probeDiskMB})
			res, _ := invoke(t, inst, string(event))
			if res.ErrorType != "" {
				t.Fatalf("probe failed: %s\nlog:\n%s", res.Body, res.Log)
			}
			var got probeReport
			if err := json.Unmarshal(res.Body, &got); err != nil {
				t.Fatalf("probe answer %q: %v", res.Body, err)
			}
			checkProbe(t, &got, targets)
		})
	}
	if accepted := listener.accepted(); accepted > 0 {
		t.Errorf("the host's listener accepted %d connections from instances, want 0", accepted)
	}
}

// probeReport is the probe function's answer.
type probeReport struct {
	UID        int               `json:"uid"`
	Hostname   string            `json:"hostname"`
	PIDs       []int             `json:"pids"`
	Shadow     string            `json:"shadow"`
	CodeWrite  string            `json:"codeWrite"`
	RootWrite  string            `json:"rootWrite"`
	EtcWrite   string            `json:"etcWrite"`
	TmpWrite   string            `json:"tmpWrite"`
	TmpFill    string            `json:"tmpFill"`
	TmpFilled  int64             `json:"tmpFilled"`
	Interfaces []string          `json:"interfaces"`
	Connects   map[string]string `json:"connects"`
}

// maxVisibleProcesses is more than a runtime's own processes and fewer than
// any host's.
const maxVisibleProcesses = 8

func checkProbe(t *testing.T, got *probeReport, targets []string) {
	t.Helper()
	if host, _ := os.Hostname(); got.Hostname == host {
		t.Errorf("hostname = %q, the host's; want the instance's own", got.Hostname)
	}
	if got.UID == 0 || got.UID == os.Getuid() {
		t.Errorf("uid = %d, want an unprivileged uid of the instance's own (host uid %d)", got.UID, os.Getuid())
	}
	if len(got.PIDs) > maxVisibleProcesses || slices.Contains(got.PIDs, os.Getpid()) {
		t.Errorf("the instance sees processes %v, want only its own (at most %d, not the test's %d)",
			got.PIDs, maxVisibleProcesses, os.Getpid())
	}
	for _, c := range []struct{ what, got string }{
		{"reading /etc/shadow", got.Shadow}, {"writing into /code", got.CodeWrite},
		{"writing into /usr", got.RootWrite}, {"writing into /etc", got.EtcWrite},
	} {
		if c.got == "ok" {
			t.Errorf("%s succeeded, want an error", c.what)
		}
	}
	if got.TmpWrite != "ok" {
		t.Errorf("writing into /tmp = %s, want ok", got.TmpWrite)
	}
	if got.TmpFill != "ENOSPC" || got.TmpFilled > (probeDiskMB+1)<<20 {
		t.Errorf("filling /tmp = %s after %d bytes, want ENOSPC within diskSize %d MB", got.TmpFill, got.TmpFilled, probeDiskMB)
	}
	if !slices.Equal(got.Interfaces, []string{"lo"}) {
		t.Errorf("network interfaces = %v, want only [lo]", got.Interfaces)
	}
	for _, target := range targets {
		if r := got.Connects[target]; r == "connected" || r == "" {
			t.Errorf("connecting to the host's %s = %q, want a failure", target, r)
		}
	}
}

// countingListener accepts and counts connections on every host address.
type countingListener struct {
	l     net.Listener
	count chan struct{}
}

func (c *countingListener) accepted() int { return len(c.count) }

// hostTargets listens on a port of every address of the host and returns
// "addr:port" for loopback and each other IPv4 address. Connections are only
// ever attempted to this machine's own addresses.
func hostTargets(t *testing.T) (*countingListener, []string) {
	t.Helper()
	l, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &countingListener{l: l, count: make(chan struct{}, 1024)}
	t.Cleanup(func() { l.Close() })
	go func() { // ends when the listener closes
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			conn.Close()
			select {
			case c.count <- struct{}{}:
			default:
			}
		}
	}()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	targets := []string{net.JoinHostPort("127.0.0.1", port)}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
			targets = append(targets, net.JoinHostPort(ipn.IP.String(), port))
		}
	}
	return c, targets
}
