package hostile

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// Runtimes of the suite's functions.
const (
	nodeRuntime   = "nodejs20"
	pythonRuntime = "python3.10"
)

// callDeadline bounds one invocation, time-outs and cold starts included.
const callDeadline = 2 * time.Minute

// suite is one server and the functions deployed on it.
type suite struct {
	n      *node
	c      *client.Client
	userNS bool // the host gives each instance a user namespace
}

// TestHostile runs every hostile function against one server, checking
// after each that the control function still answers and the server lives.
func TestHostile(t *testing.T) {
	h, err := jail.Probe(t.TempDir())
	if err != nil {
		t.Skipf("this host cannot sandbox, so yun server would refuse process runtimes: %v", err)
	}
	n := startNode(t)
	s := &suite{n: n, c: n.Client()}
	s.userNS, _ = h.UserNamespaces()
	s.create(t, function(t, "control", nodeRuntime, "control"))
	cases := []struct {
		name string
		run  func(t *testing.T, s *suite)
	}{
		{"ForkBomb", testForkBomb},
		{"MemoryBomb", testMemoryBomb},
		{"CPUSpin", testCPUSpin},
		{"FillTmp", testFillTmp},
		{"Secrets", testSecrets},
		{"Network", testNetwork},
		{"InternetAccess", testInternetAccess},
		{"Syscalls", testSyscalls},
		{"Setuid", testSetuid},
		{"UserNamespace", testUserNamespace},
		{"WritesOutsideTmp", testWrites},
		{"Processes", testProcesses},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, s)
			s.controlAnswers(t)
		})
	}
}

func (s *suite) create(t *testing.T, in *fc.FunctionInput) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callDeadline)
	defer cancel()
	if _, err := s.c.CreateFunction(ctx, in); err != nil {
		t.Fatalf("create %s: %v", *in.FunctionName, err)
	}
}

func (s *suite) invoke(t *testing.T, name, body string) *client.InvokeResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callDeadline)
	defer cancel()
	res, err := s.c.Invoke(ctx, name, client.InvokeOptions{Body: []byte(body), LogTail: true})
	if err != nil {
		t.Fatalf("invoke %s: %v", name, err)
	}
	return res
}

// invokeJSON invokes name and decodes its successful answer into out.
func (s *suite) invokeJSON(t *testing.T, name, body string, out any) {
	t.Helper()
	res := s.invoke(t, name, body)
	if res.ErrorType != "" {
		t.Fatalf("invoke %s: error %s: %s\nlog:\n%s", name, res.ErrorType, res.Body, res.Log)
	}
	if err := json.Unmarshal(res.Body, out); err != nil {
		t.Fatalf("invoke %s: answer %q: %v", name, res.Body, err)
	}
}

// controlAnswers checks that the server lives and the control function
// answers.
func (s *suite) controlAnswers(t *testing.T) {
	t.Helper()
	s.n.alive(t)
	res := s.invoke(t, "control", "ping")
	if res.ErrorType != "" || string(res.Body) != "control ping" {
		t.Errorf("control function: got type %q body %q, want %q", res.ErrorType, res.Body, "control ping")
	}
}

// sandboxedProcesses counts the host's processes in Yun's cgroups (of
// any engine on this machine: others' tests may run sandboxes too, hence
// the slack in the comparisons).
func sandboxedProcesses(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, _ := os.ReadFile("/proc/" + e.Name() + "/cgroup")
		if strings.Contains(string(b), ":/yun/") {
			n++
		}
	}
	return n
}

// testForkBomb: the pids limit holds the bomb to its instance while the
// control function keeps answering, and the bomb's processes all go when
// the instance is stopped (the function deleted).
func testForkBomb(t *testing.T, s *suite) {
	in := function(t, "forkbomb", pythonRuntime, "forkbomb")
	in.MemorySize = ptr(2048) // memory to spare: the pids limit must stop it
	s.create(t, in)
	before := sandboxedProcesses(t)
	if res := s.invoke(t, "forkbomb", ""); string(res.Body) != "started" {
		t.Fatalf("forkbomb: got %q (%s), want started", res.Body, res.ErrorType)
	}
	peak := before
	eventually(func() bool { // until the bomb is near its limit
		peak = max(peak, sandboxedProcesses(t))
		return peak >= before+480
	})
	t.Logf("sandboxed processes: %d before the bomb, %d at its peak", before, peak)
	if peak > before+600 {
		t.Errorf("the host went from %d to %d processes, want the bomb held to its instance's limit (512)", before, peak)
	}
	s.controlAnswers(t) // while the bomb goes on
	ctx, cancel := context.WithTimeout(context.Background(), callDeadline)
	defer cancel()
	if err := s.c.DeleteFunction(ctx, "forkbomb"); err != nil {
		t.Fatalf("delete forkbomb: %v", err)
	}
	if !eventually(func() bool { return sandboxedProcesses(t) < before+20 }) {
		t.Errorf("the bomb's processes outlive its instance: %d host processes, %d before", sandboxedProcesses(t), before)
	}
}

// eventually polls cond for up to 30 seconds.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// testMemoryBomb: the instance is killed for memory with a clear error,
// and a new one serves the next call.
func testMemoryBomb(t *testing.T, s *suite) {
	in := function(t, "membomb", nodeRuntime, "membomb")
	in.MemorySize, in.Timeout = ptr(128), ptr(60)
	s.create(t, in)
	if res := s.invoke(t, "membomb", "warm"); string(res.Body) != "alive" {
		t.Fatalf("membomb warm-up: got %q (%s), want alive", res.Body, res.ErrorType)
	}
	res := s.invoke(t, "membomb", "bomb")
	var body struct{ ErrorMessage, ErrorType string }
	json.Unmarshal(res.Body, &body)
	if res.ErrorType != "UnhandledInvocationError" || body.ErrorType != "MemoryLimitExceeded" ||
		!strings.Contains(body.ErrorMessage, "memory limit of 128 MB") {
		t.Errorf("memory bomb: got type %q body %s, want UnhandledInvocationError with errorType MemoryLimitExceeded",
			res.ErrorType, res.Body)
	}
	if res := s.invoke(t, "membomb", "again"); res.ErrorType != "" || string(res.Body) != "alive" {
		t.Errorf("after the memory bomb: got type %q body %q, want a new instance answering alive", res.ErrorType, res.Body)
	}
}

// testCPUSpin: a spinning call ends at its timeout; the next call works.
// The timeout leaves room for a cold start on a loaded machine (see function).
func testCPUSpin(t *testing.T, s *suite) {
	in := function(t, "spin", pythonRuntime, "spin")
	in.Timeout = ptr(5)
	s.create(t, in)
	start := time.Now()
	res := s.invoke(t, "spin", "spin")
	if res.ErrorType != "UnhandledInvocationError" || !strings.Contains(string(res.Body), "timed out after 5 seconds") {
		t.Errorf("spin: got type %q body %q, want a time-out", res.ErrorType, res.Body)
	}
	if elapsed := time.Since(start); elapsed > time.Minute {
		t.Errorf("a 5 s timeout took %v to answer", elapsed)
	}
	if res := s.invoke(t, "spin", "x"); res.ErrorType != "" || string(res.Body) != "alive" {
		t.Errorf("after the spin: got type %q body %q, want alive", res.ErrorType, res.Body)
	}
}

// testFillTmp: /tmp ends at diskSize with ENOSPC.
func testFillTmp(t *testing.T, s *suite) {
	in := function(t, "filltmp", pythonRuntime, "filltmp")
	in.MemorySize, in.DiskSize, in.Timeout = ptr(1024), ptr(512), ptr(60)
	s.create(t, in)
	var got struct {
		Result  string
		Written int64
	}
	s.invokeJSON(t, "filltmp", "700", &got)
	if got.Result != "ENOSPC" || got.Written > 513<<20 {
		t.Errorf("filling /tmp: %s after %d bytes, want ENOSPC within 512 MB", got.Result, got.Written)
	}
}

// testSecrets: the host's secrets, Yun's data directory and another
// function's code are out of sight.
func testSecrets(t *testing.T, s *suite) {
	s.create(t, function(t, "secrets", pythonRuntime, "secrets"))
	other := codeDirOf(t, s.n.DataDir, "control")
	paths := []string{"/etc/shadow", "/etc/gshadow", "/root", s.n.DataDir, filepath.Join(s.n.DataDir, "meta.db"), other,
		filepath.Join(other, "index.js"), "/proc/1/root/etc/shadow", "/proc/kcore", "/sys/kernel", "/var/lib"}
	query, _ := json.Marshal(paths)
	var got map[string]string
	s.invokeJSON(t, "secrets", string(query), &got)
	for _, p := range paths {
		if r := got[p]; r == "read" || r == "listed" || r == "" {
			t.Errorf("%s: %q, want it out of reach", p, r)
		}
	}
}

// codeDirOf finds where the node keeps the unpacked code of function name:
// the directory under dataDir holding its index.js.
func codeDirOf(t *testing.T, dataDir, name string) string {
	t.Helper()
	var found string
	filepath.WalkDir(dataDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "index.js" && found == "" {
			if b, _ := os.ReadFile(path); strings.Contains(string(b), "control function") {
				found = filepath.Dir(path)
			}
		}
		return nil
	})
	if found == "" {
		t.Fatalf("the code of %s is nowhere under %s", name, dataDir)
	}
	return found
}

// testNetwork: without internetAccess, neither Yun's API port on loopback
// nor any of the host's addresses can be reached, and only lo exists.
// Every target is an address of this machine.
func testNetwork(t *testing.T, s *suite) {
	in := function(t, "network", pythonRuntime, "network")
	in.InternetAccess = ptr(false)
	s.create(t, in)
	u, err := url.Parse(s.n.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	targets := []string{u.Host, "127.0.0.1:22", "localhost:" + u.Port()}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
			targets = append(targets, net.JoinHostPort(ipn.IP.String(), u.Port()))
		}
	}
	query, _ := json.Marshal(targets)
	var got map[string]string
	s.invokeJSON(t, "network", string(query), &got)
	for _, target := range targets {
		if r := got[target]; r == "connected" || r == "" {
			t.Errorf("connect %s: %q, want a failure", target, r)
		}
	}
	if got["_interfaces"] != "lo" {
		t.Errorf("interfaces = %q, want only lo", got["_interfaces"])
	}
}

// testSyscalls: mount, ptrace, unshare, setns, chroot, setuid(0) fail. In
// the instance's own user namespace uid 0 does not exist: setuid(0) is
// EINVAL there.
func testSyscalls(t *testing.T, s *suite) {
	s.create(t, function(t, "syscalls", pythonRuntime, "syscalls"))
	var got map[string]string
	s.invokeJSON(t, "syscalls", "", &got)
	for _, call := range []string{"mount", "umount", "unshare_user", "unshare_mount", "setns", "ptrace_child",
		"ptrace_parent", "chroot", "setuid_root"} {
		want := "EPERM"
		if call == "setuid_root" && s.userNS {
			want = "EINVAL"
		}
		if r := got[call]; r != want {
			t.Errorf("%s = %q, want %s", call, r, want)
		}
	}
}

// testUserNamespace: the function runs in a user namespace of its own that
// maps its uid and gid only, to themselves (not the initial namespace's
// "0 0 4294967295"), with setgroups denied, no capability in any set, and it
// cannot make itself another (where it would be root).
func testUserNamespace(t *testing.T, s *suite) {
	if !s.userNS {
		t.Skip("this host gives instances no user namespace")
	}
	s.create(t, function(t, "userns", pythonRuntime, "userns"))
	var got struct {
		UID, GID       int
		UIDMap, GIDMap [][]string
		Setgroups      string
		Caps           map[string]string
		UnshareUser    string
	}
	s.invokeJSON(t, "userns", "", &got)
	if got.UID == 0 || got.GID == 0 {
		t.Errorf("uid %d gid %d, want non-root", got.UID, got.GID)
	}
	for _, m := range []struct {
		name string
		id   int
		got  [][]string
	}{{"uid_map", got.UID, got.UIDMap}, {"gid_map", got.GID, got.GIDMap}} {
		id := strconv.Itoa(m.id)
		if want := [][]string{{id, id, "1"}}; fmt.Sprint(m.got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", m.name, m.got, want)
		}
	}
	if got.Setgroups != "deny" {
		t.Errorf("setgroups = %q, want deny", got.Setgroups)
	}
	for set, v := range got.Caps {
		if v != "0000000000000000" {
			t.Errorf("%s = %s, want none", set, v)
		}
	}
	if len(got.Caps) != 5 {
		t.Errorf("capability sets %v, want 5", got.Caps)
	}
	if got.UnshareUser != "EPERM" {
		t.Errorf("unshare(CLONE_NEWUSER) = %q, want EPERM", got.UnshareUser)
	}
}

// testSetuid: setuid programs run without gaining root.
func testSetuid(t *testing.T, s *suite) {
	s.create(t, function(t, "setuid", pythonRuntime, "setuid"))
	var got struct {
		UID, EUID   int
		NoNewPrivs  string
		UsrNosuid   bool
		SetuidFiles []string
		Runs        map[string]struct {
			Euids  []int
			Output string
		}
	}
	s.invokeJSON(t, "setuid", "", &got)
	if got.UID == 0 || got.EUID == 0 || got.NoNewPrivs != "1" || !got.UsrNosuid {
		t.Errorf("uid %d euid %d no_new_privs %q /usr nosuid %v, want non-root, 1, true",
			got.UID, got.EUID, got.NoNewPrivs, got.UsrNosuid)
	}
	for prog, run := range got.Runs {
		for _, euid := range run.Euids {
			if euid == 0 {
				t.Errorf("setuid program %s ran with euid 0 (output %q)", prog, run.Output)
			}
		}
		if strings.TrimSpace(run.Output) == "0" {
			t.Errorf("setuid program %s printed uid 0", prog)
		}
	}
	t.Logf("setuid programs tried: %v; runs: %+v", got.SetuidFiles, got.Runs)
}

// testWrites: nothing outside /tmp is writable.
func testWrites(t *testing.T, s *suite) {
	s.create(t, function(t, "writes", pythonRuntime, "writes"))
	dirs := []string{"/", "/code", "/usr", "/usr/bin", "/etc", "/var/fc/runtime", "/dev", "/proc/self", "/root", "/tmp"}
	query, _ := json.Marshal(dirs)
	var got map[string]string
	s.invokeJSON(t, "writes", string(query), &got)
	for _, d := range dirs {
		want := d == "/tmp"
		if ok := got[d] == "ok"; ok != want || got[d] == "" {
			t.Errorf("write into %s: %q, want writable %v", d, got[d], want)
		}
	}
}

// testProcesses: an instance sees its own processes only.
func testProcesses(t *testing.T, s *suite) {
	s.create(t, function(t, "processes", pythonRuntime, "processes"))
	var got map[string]string
	s.invokeJSON(t, "processes", "", &got)
	if len(got) > 3 {
		t.Errorf("the instance sees %d processes %v, want its init and runtime only", len(got), got)
	}
	for pid, cmd := range got {
		if strings.Contains(cmd, "yun") && !strings.Contains(cmd, "yun-jail-init") || strings.Contains(cmd, "sshd") {
			t.Errorf("the instance sees process %s %q of the host", pid, cmd)
		}
	}
}

// testInternetAccess: a function with internetAccess (FC's default) has
// eth0, a default route through the host and the host's name servers, yet
// reaches neither Yun's API port nor a service the host offers on all its
// addresses (through its end of the instance's link or any other address
// of the host), nor another instance that listens on all its addresses.
// The controls show the same listeners answer where they may.
func testInternetAccess(t *testing.T, s *suite) {
	u, err := url.Parse(s.n.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	hostService, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hostService.Close()
	go func() {
		for {
			c, err := hostService.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	apiPort, _ := strconv.Atoi(u.Port())
	servicePort := hostService.Addr().(*net.TCPAddr).Port
	const peerPort = 9999

	for _, name := range []string{"peer", "intruder"} {
		in := function(t, name, pythonRuntime, "internet")
		in.InternetAccess = ptr(true)
		s.create(t, in)
	}
	var peer map[string]string
	s.invokeJSON(t, "peer", fmt.Sprintf(`{"serve": %d}`, peerPort), &peer)
	peerTarget := net.JoinHostPort(peer["_address"], strconv.Itoa(peerPort))
	var self map[string]string // control: the peer reaches its own listener
	s.invokeJSON(t, "peer", fmt.Sprintf(`{"targets": [%q]}`, peerTarget), &self)
	if self[peerTarget] != "connected" {
		t.Fatalf("the peer cannot reach its own listener %s: %q", peerTarget, self[peerTarget])
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(peer["_gateway"], strconv.Itoa(servicePort)), 5*time.Second); err != nil {
		t.Fatalf("control: the host cannot reach its own service on %s: %v", peer["_gateway"], err)
	} else {
		c.Close()
	}

	targets := []string{peerTarget, net.JoinHostPort(peer["_gateway"], strconv.Itoa(apiPort)),
		net.JoinHostPort(peer["_gateway"], strconv.Itoa(servicePort)), "127.0.0.1:" + u.Port(), "169.254.169.254:80"}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
			for _, port := range []int{apiPort, servicePort} {
				targets = append(targets, net.JoinHostPort(ipn.IP.String(), strconv.Itoa(port)))
			}
		}
	}
	query, _ := json.Marshal(map[string]any{"targets": targets, "gatewayPorts": []int{apiPort, servicePort}})
	var got map[string]string
	s.invokeJSON(t, "intruder", string(query), &got)
	if got["_interfaces"] != "eth0,lo" || got["_gateway"] == "" || got["_address"] == "" || got["_address"] == peer["_address"] {
		t.Fatalf("interfaces %q address %q gateway %q (peer %q), want eth0 and lo, an address of its own and a gateway",
			got["_interfaces"], got["_address"], got["_gateway"], peer["_address"])
	}
	if !strings.Contains(got["_resolv"], "nameserver") {
		t.Errorf("/etc/resolv.conf = %q, want the host's name servers", got["_resolv"])
	}
	for _, target := range append(targets, fmt.Sprintf("gateway:%d", apiPort), fmt.Sprintf("gateway:%d", servicePort)) {
		if r := got[target]; r == "connected" || r == "" {
			t.Errorf("connect %s: %q, want a failure", target, r)
		}
	}
	t.Logf("intruder at %s (gateway %s): %v", got["_address"], got["_gateway"], got)
}
