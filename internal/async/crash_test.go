package async

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// The crash test runs a service in a child process (this test binary, run
// again with crashChildEnv set), lets it accept and run invocations, kills it
// with SIGKILL part-way, restarts the service over the same store in this
// process, and checks that every invocation the child accepted runs and ends
// Succeeded.
const (
	crashChildEnv = "YUN_ASYNC_CRASH_CHILD"
	crashDirEnv   = "YUN_ASYNC_CRASH_DIR"
	crashTasks    = 300
)

// crashFiles are where the child says what it did, one task id per line:
// accepted after Submit returned, runs after each completed invocation.
type crashFiles struct{ dir string }

func (c crashFiles) store() string    { return filepath.Join(c.dir, "store") }
func (c crashFiles) accepted() string { return filepath.Join(c.dir, "accepted") }
func (c crashFiles) runs() string     { return filepath.Join(c.dir, "runs") }

// lineLog appends lines to a file with O_APPEND: each line is one write, so
// a kill never leaves half a line.
type lineLog struct {
	mu sync.Mutex
	f  *os.File
}

func openLineLog(path string) (*lineLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	return &lineLog{f: f}, err
}

func (l *lineLog) add(s string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := l.f.WriteString(s + "\n")
	return err
}

// runsLogger is an Invoker that takes a little time and logs each
// completed run.
type runsLogger struct {
	runs  *lineLog
	delay time.Duration
}

func (r *runsLogger) Invoke(ctx context.Context, c *Call) (*Outcome, error) {
	select {
	case <-time.After(r.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &Outcome{}, r.runs.add(c.TaskID)
}

func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		crashChild(t, crashFiles{os.Getenv(crashDirEnv)})
		return
	}
	if testing.Short() {
		t.Skip("crash test: starts a child process")
	}
	files := crashFiles{t.TempDir()}
	killChildPartWay(t, files)

	accepted := readLines(t, files.accepted())
	runsBefore := len(readLines(t, files.runs()))
	runs, err := openLineLog(files.runs())
	if err != nil {
		t.Fatal(err)
	}
	defer runs.f.Close()
	cfg := crashConfig(files)
	s := newService(t, cfg, &runsLogger{runs: runs, delay: time.Millisecond}, &fakeConfigs{}, true)

	for id := range accepted {
		waitStatus(t, s, "crash", id, fc.AsyncSucceeded)
	}
	all := allTasks(t, s, "crash")
	for _, task := range all {
		if task.Status != fc.AsyncSucceeded {
			t.Errorf("task %s: got %s, want Succeeded", task.TaskID, task.Status)
		}
	}
	ran := readLines(t, files.runs())
	total := 0
	for id := range accepted {
		if ran[id] == 0 {
			t.Errorf("task %s was accepted but never ran", id)
		}
	}
	for _, n := range ran {
		total += n
	}
	dup := total - len(ran)
	t.Logf("crash: %d accepted before SIGKILL (%d tasks in the store), %d runs before it; after restart %d runs of %d tasks: %d duplicates (%.1f%%)",
		len(accepted), len(all), runsBefore, total, len(ran), dup, 100*float64(dup)/float64(max(len(ran), 1)))
}

func crashConfig(files crashFiles) Config {
	return Config{StoreDir: files.store(), AckWait: 2 * time.Second, RetryBase: 20 * time.Millisecond,
		RetryMax: 200 * time.Millisecond, ScanInterval: 200 * time.Millisecond}
}

// killChildPartWay starts the child and SIGKILLs it once it has accepted
// half the tasks and completed some runs.
func killChildPartWay(t *testing.T, files crashFiles) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashRecovery$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDirEnv+"="+files.dir)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			t.Fatalf("child exited before the kill: %v\n%s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if countLines(files.accepted()) >= crashTasks/2 && countLines(files.runs()) >= 10 {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatalf("kill child: %v", err)
	}
	var exit *exec.ExitError
	if err := <-done; !errors.As(err, &exit) {
		t.Fatalf("child: got %v, want it killed\n%s", err, out.String())
	}
}

// crashChild accepts crashTasks invocations as fast as it can while running
// them, then waits to be killed.
func crashChild(t *testing.T, files crashFiles) {
	accepted, err1 := openLineLog(files.accepted())
	runs, err2 := openLineLog(files.runs())
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	s, err := New(crashConfig(files), &runsLogger{runs: runs, delay: 30 * time.Millisecond}, &fakeConfigs{}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range crashTasks {
		id := fmt.Sprintf("task%03d", i)
		if _, err := s.Submit(context.Background(), &Submission{AccountID: testAccount, Function: "crash", TaskID: id}); err != nil {
			t.Fatal(err)
		}
		if err := accepted.add(id); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Minute) // the parent kills us long before
}

func countLines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

// readLines counts each line of the file.
func readLines(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		seen[sc.Text()]++
	}
	return seen
}

func allTasks(t *testing.T, s *Service, fn string) []*fc.AsyncTask {
	t.Helper()
	var all []*fc.AsyncTask
	token := ""
	for {
		out, err := s.ListTasks(context.Background(), testAccount, fn, TaskFilter{Limit: 100, NextToken: token})
		if err != nil {
			t.Fatalf("ListTasks: %v", err)
		}
		all = append(all, out.Tasks...)
		if token = out.NextToken; token == "" {
			return all
		}
	}
}
