package process_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// crashEnv names the RunDir of the engine TestHelperCrashEngine runs.
const crashEnv = "YUN_TEST_CRASH_RUNDIR"

// crashConfig is the engine TestRestartAfterKill kills and starts again:
// one pre-warmed custom sandbox, which needs no interpreter.
func crashConfig(runDir string) process.Config {
	return process.Config{RunDir: runDir, Logger: slog.New(slog.DiscardHandler),
		Prewarm: process.Prewarm{Custom: 1, Max: 1}}
}

// TestHelperCrashEngine is no test of its own: TestRestartAfterKill runs it
// in a child process, where it starts an engine on $YUN_TEST_CRASH_RUNDIR,
// prints "ready" once a sandbox is pre-warmed and runs until killed (or
// until its stdin closes, so that it never outlives the test).
func TestHelperCrashEngine(t *testing.T) {
	runDir := os.Getenv(crashEnv)
	if runDir == "" {
		t.Skip("the child process of TestRestartAfterKill")
	}
	e, err := process.New(crashConfig(runDir))
	if errors.Is(err, process.ErrIsolationUnavailable) {
		fmt.Println("unavailable:", err)
		return
	}
	if err != nil {
		t.Fatalf("New = %v", err)
	}
	defer e.Close(context.Background())
	awaitReady(t, e, "custom")
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
}

// TestRestartAfterKill: an engine killed with SIGKILL leaves its pre-warmed
// sandboxes' slots mounted, their directories and their cgroups; a new
// engine on the same RunDir removes them all and works, also when the
// RunDir is reached through a symbolic link (mountinfo names the real path).
func TestRestartAfterKill(t *testing.T) {
	for _, tt := range []struct {
		name string
		link bool
	}{{"path", false}, {"symlink", true}} {
		t.Run(tt.name, func(t *testing.T) {
			real, err := filepath.EvalSymlinks(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			runDir := real
			if tt.link {
				runDir = filepath.Join(t.TempDir(), "link")
				if err := os.Symlink(real, runDir); err != nil {
					t.Fatal(err)
				}
			}
			instances := filepath.Join(real, "instances")
			t.Cleanup(func() { jail.UnmountUnder(instances) }) // whatever a failure left
			left := killEngine(t, runDir, instances)

			fresh, err := process.New(crashConfig(runDir))
			if err != nil {
				t.Fatalf("New after a SIGKILL = %v", err)
			}
			t.Cleanup(func() { fresh.Close(context.Background()) })
			checkCleaned(t, instances, left)
			checkWorks(t, fresh)
			if err := fresh.Close(context.Background()); err != nil {
				t.Errorf("Close = %v", err)
			}
			if m := mountsUnder(t, instances); len(m) != 0 {
				t.Errorf("after Close, mounts under the instances dir: %q, want none", m)
			}
		})
	}
}

// leftovers is what a killed engine left: its sandboxes' ids and cgroups.
type leftovers struct {
	ids, cgroups []string
}

// killEngine runs an engine on runDir in a child process until it has a
// pre-warmed sandbox, kills the child with SIGKILL and returns what it left
// under instances (the real path of runDir/instances).
func killEngine(t *testing.T, runDir, instances string) leftovers {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCrashEngine$", "-test.timeout=3m")
	cmd.Env = append(os.Environ(), crashEnv+"="+runDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	switch line := firstLine(stdout, 2*time.Minute); {
	case strings.HasPrefix(line, "unavailable:"):
		t.Skipf("no sandbox on this host: %s", line)
	case line != "ready":
		t.Fatalf("the child engine said %q, want ready; stderr:\n%s", line, stderr.String())
	}
	var left leftovers
	entries, _ := os.ReadDir(instances)
	for _, e := range entries {
		left.ids = append(left.ids, e.Name())
		left.cgroups = append(left.cgroups, cgroupsOf(e.Name())...)
	}
	t.Logf("killing the child engine (pid %d) with sandboxes %q", cmd.Process.Pid, left.ids)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("SIGKILL the child engine: %v", err)
	}
	cmd.Wait()
	if len(left.ids) == 0 || len(left.cgroups) == 0 || len(mountsUnder(t, instances)) <= 1 {
		t.Fatalf("the killed engine left sandboxes %q, cgroups %q, mounts %q: want some of each",
			left.ids, left.cgroups, mountsUnder(t, instances))
	}
	return left
}

// firstLine returns the first line r gives within timeout; "" on EOF or
// when the time is up.
func firstLine(r io.Reader, timeout time.Duration) string {
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		sc.Scan()
		line <- sc.Text()
	}()
	select {
	case l := <-line:
		return l
	case <-time.After(timeout):
		return ""
	}
}

// checkCleaned checks that what the killed engine left is gone: the new
// engine's instances dir is one private mount again, with its own sandboxes
// under it.
func checkCleaned(t *testing.T, instances string, left leftovers) {
	t.Helper()
	now := mountsUnder(t, instances)
	if n := slices.Index(now, instances); n < 0 || slices.Contains(now[n+1:], instances) {
		t.Errorf("mounts %q, want the instances dir mounted once", now)
	}
	for _, id := range left.ids {
		for _, m := range now {
			if strings.HasPrefix(m, filepath.Join(instances, id)) {
				t.Errorf("a mount of the killed engine's sandbox survives: %s", m)
			}
		}
		if _, err := os.Stat(filepath.Join(instances, id)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the killed engine's sandbox directory %s survives (stat: %v)", id, err)
		}
	}
	for _, c := range left.cgroups {
		if _, err := os.Stat(c); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the killed engine's cgroup %s survives (stat: %v)", c, err)
		}
	}
}

// checkWorks checks that e pre-warms a sandbox under the cleaned instances
// dir and, with node on this host, runs a function in it.
func checkWorks(t *testing.T, e *process.Engine) {
	t.Helper()
	awaitReady(t, e, "custom")
	if e.NodePath() == "" {
		return
	}
	code, layers := layerFunctions(t)
	runLayered(t, e, "custom.debian12", code, layers, layerAnswer{Greet: "custom", Only: "custom", Cwd: "/code", Env: "me"})
	if s := poolOf(e, "custom"); s.Hits != 1 {
		t.Errorf("custom pool = %+v, want 1 hit", s)
	}
}

// mountsUnder lists the mount points at or below dir, one per mount.
func mountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			out = append(out, f[4])
		}
	}
	return out
}

// cgroupsOf lists the cgroup directories of sandbox id in Yun's parent
// cgroup, in every hierarchy (v1) or the one (v2).
func cgroupsOf(id string) []string {
	var out []string
	for _, pattern := range []string{"/sys/fs/cgroup/*/yun/*-" + id, "/sys/fs/cgroup/yun/*-" + id} {
		m, _ := filepath.Glob(pattern)
		out = append(out, m...)
	}
	return out
}
