package jail

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const mountinfoV1 = `25 30 0:23 / /sys/fs/cgroup rw,nosuid shared:9 - tmpfs tmpfs rw,mode=755
26 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:10 - cgroup cgroup rw,cpu,cpuacct
27 25 0:25 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory
28 25 0:26 / /sys/fs/cgroup/pids rw,nosuid shared:12 - cgroup cgroup rw,pids
29 25 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:13 - cgroup2 cgroup2 rw,nsdelegate
`

func TestDetectCgroupsV1(t *testing.T) {
	d, err := detectCgroups(strings.NewReader(mountinfoV1))
	if err != nil {
		t.Fatalf("detectCgroups = %v", err)
	}
	want := cgroupV1{memory: "/sys/fs/cgroup/memory/yun", cpu: "/sys/fs/cgroup/cpu,cpuacct/yun", pids: "/sys/fs/cgroup/pids/yun"}
	if got, ok := d.(cgroupV1); !ok || got != want {
		t.Errorf("got %#v, want %#v (a hybrid host uses its v1 controllers)", d, want)
	}
}

// fakeV2 makes a directory that looks like a cgroup2 mount.
func fakeV2(t *testing.T, controllers string) (string, string) {
	t.Helper()
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "cgroup.controllers"), []byte(controllers+"\n"), 0o644)
	os.WriteFile(filepath.Join(root, "cgroup.subtree_control"), []byte("memory\n"), 0o644)
	mountinfo := "30 1 0:26 / " + strings.ReplaceAll(root, " ", `\040`) + " rw - cgroup2 cgroup2 rw\n"
	return root, mountinfo
}

func TestDetectCgroupsV2(t *testing.T) {
	root, mountinfo := fakeV2(t, "cpuset cpu io memory hugetlb pids")
	// The parent's own control file: a real kernel makes it with the directory.
	os.MkdirAll(filepath.Join(root, "yun"), 0o755)
	os.WriteFile(filepath.Join(root, "yun", "cgroup.subtree_control"), nil, 0o644)
	d, err := detectCgroups(strings.NewReader(mountinfo))
	if err != nil {
		t.Fatalf("detectCgroups = %v", err)
	}
	if d.version() != 2 {
		t.Fatalf("version = %d, want 2", d.version())
	}
	for dir, want := range map[string]string{root: "+cpu +pids", filepath.Join(root, "yun"): "+memory +cpu +pids"} {
		b, _ := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
		if string(b) != want {
			t.Errorf("%s/cgroup.subtree_control = %q, want %q", dir, b, want)
		}
	}
	c, err := d.create("one", Limits{MemoryBytes: 128 << 20, CPU: 0.35, Pids: 512})
	if err != nil {
		t.Fatalf("create = %v", err)
	}
	for file, want := range map[string]string{"memory.max": "134217728", "cpu.max": "35000 100000", "pids.max": "512"} {
		if b, _ := os.ReadFile(filepath.Join(root, "yun", "one", file)); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
	if c.MemoryLimit() != 128<<20 {
		t.Errorf("MemoryLimit() = %d, want %d", c.MemoryLimit(), 128<<20)
	}
}

func TestDetectCgroupsMissing(t *testing.T) {
	_, mountinfo := fakeV2(t, "cpu io memory")
	tests := []struct{ name, mountinfo, want string }{
		{"none", "25 30 0:23 / /sys rw - sysfs sysfs rw\n", "no cgroup hierarchy"},
		{"v2 without pids", mountinfo, "lacks the pids controller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := detectCgroups(strings.NewReader(tt.mountinfo)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("detectCgroups = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestUnescapeMountinfo(t *testing.T) {
	for in, want := range map[string]string{`/a\040b`: "/a b", `/plain`: "/plain", `/x\134y`: `/x\y`, `/short\04`: `/short\04`} {
		if got := unescapeMountinfo(in); got != want {
			t.Errorf("unescapeMountinfo(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCgroupOnHost makes a real cgroup, checks its limits and removes it.
func TestCgroupOnHost(t *testing.T) {
	h := probeHost(t)
	c, err := h.NewCgroup("test-limits", Limits{MemoryBytes: 64 << 20, CPU: 0.5, Pids: 32})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Remove()
	files := map[string]string{"pids.max": "32"}
	if h.CgroupVersion() == 1 {
		files["memory.limit_in_bytes"] = "67108864"
		files["cpu.cfs_quota_us"] = "50000"
	} else {
		files["memory.max"] = "67108864"
		files["cpu.max"] = "50000 100000"
	}
	for name, want := range files {
		if got := readControl(c, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	quota, want := "cpu.cfs_quota_us", []string{"25000", "-1"}
	if h.CgroupVersion() == 2 {
		quota, want = "cpu.max", []string{"25000 100000", "max 100000"}
	}
	for i, cores := range []float64{0.25, 0} {
		if err := c.SetCPU(cores); err != nil {
			t.Fatalf("SetCPU(%v) = %v", cores, err)
		}
		if got := readControl(c, quota); got != want[i] {
			t.Errorf("after SetCPU(%v): %s = %q, want %q", cores, quota, got, want[i])
		}
	}
	if err := c.Remove(); err != nil {
		t.Fatalf("Remove = %v", err)
	}
	for _, dir := range c.dirs {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s survives Remove (stat: %v)", dir, err)
		}
	}
}

// readControl reads control file name from whichever directory of c has it.
func readControl(c *Cgroup, name string) string {
	for _, dir := range c.dirs {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	return "<missing>"
}

func TestSpecValidate(t *testing.T) {
	ok := func() *Spec {
		return &Spec{Root: "/r", Binds: []Bind{{Source: "/usr", Target: "/usr"}}, Argv: []string{"x"}, Dir: "/code", UID: 7, GID: 7}
	}
	tests := []struct {
		name   string
		change func(*Spec)
		want   string
	}{
		{"valid", func(*Spec) {}, ""},
		{"relative root", func(s *Spec) { s.Root = "r" }, `Root "r"`},
		{"relative source", func(s *Spec) { s.Binds[0].Source = "usr" }, `bind source "usr"`},
		{"unclean target", func(s *Spec) { s.Binds[0].Target = "/usr/../etc" }, `"/usr/../etc"`},
		{"target is the root", func(s *Spec) { s.Binds[0].Target = "/" }, `path "/"`},
		{"relative file", func(s *Spec) { s.Files = []File{{Path: "etc/passwd"}} }, `"etc/passwd"`},
		{"no program", func(s *Spec) { s.Argv = nil }, "Argv is empty"},
		{"root user", func(s *Spec) { s.UID = 0 }, "unprivileged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok()
			tt.change(s)
			err := s.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestCleanCgroups: this engine's leftovers go, processes killed; another
// engine's cgroup stays while it is young or has a process.
func TestCleanCgroups(t *testing.T) {
	h := probeHost(t)
	mine, err := h.NewCgroup("testclean-mine-1", Limits{Pids: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Remove()
	other, err := h.NewCgroup("testclean-other-1", Limits{Pids: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Remove()
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	if err := mine.Add(sleeper.Process.Pid); err != nil {
		sleeper.Process.Kill()
		sleeper.Wait()
		t.Fatal(err)
	}
	n, err := h.CleanCgroups("testclean-mine-")
	if err != nil || n != 1 {
		t.Errorf("CleanCgroups = %d, %v; want 1, nil", n, err)
	}
	if _, err := os.Stat(mine.dirs[0]); !os.IsNotExist(err) {
		t.Errorf("this engine's leftover %s survives (stat: %v)", mine.dirs[0], err)
	}
	if err := sleeper.Wait(); err == nil {
		t.Errorf("the leftover's process exited cleanly, want it killed")
	}
	if _, err := os.Stat(other.dirs[0]); err != nil {
		t.Errorf("another engine's young cgroup was removed: %v", err)
	}
	old := time.Now().Add(-2 * staleAge)
	for _, dir := range other.dirs {
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Skipf("cannot age a cgroup here: %v", err)
		}
	}
	h.CleanCgroups("testclean-mine-")
	if _, err := os.Stat(other.dirs[0]); !os.IsNotExist(err) {
		t.Errorf("another engine's empty, stale cgroup survives (stat: %v)", err)
	}
}
