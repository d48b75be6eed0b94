package bolt_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store/bolt"
)

// writerEnv, when set to a database path, turns the test binary into the
// writer child of TestKilledWriterLosesNothing.
const writerEnv = "YUN_BOLT_TEST_WRITER"

const (
	writerAccount   = "acct"
	writerMax       = 10000 // the child stops by itself if nobody kills it
	killAfterCommit = 25
)

func TestMain(m *testing.M) {
	if path := os.Getenv(writerEnv); path != "" {
		os.Exit(runWriter(path))
	}
	os.Exit(m.Run())
}

// runWriter creates functions one by one and prints each name to stdout
// once CreateFunction has returned, i.e. once the commit is durable.
func runWriter(path string) int {
	s, err := bolt.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := range writerMax {
		name := writerName(i)
		if err := s.CreateFunction(context.Background(), writerAccount, &fc.Function{FunctionName: name}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println(name)
	}
	return 0
}

func writerName(i int) string { return fmt.Sprintf("f%05d", i) }

// TestKilledWriterLosesNothing SIGKILLs a process that is committing and
// checks that every commit it reported survives and the file still opens.
func TestKilledWriterLosesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.db")
	reported := runAndKillWriter(t, path)
	if len(reported) < killAfterCommit {
		t.Fatalf("writer reported %d commits, want at least %d", len(reported), killAfterCommit)
	}

	s := mustOpen(t, path)
	stored, err := s.ListFunctions(context.Background(), writerAccount, "", "", 0)
	if err != nil {
		t.Fatalf("ListFunctions after the kill: %v", err)
	}
	t.Logf("writer reported %d commits before it was killed; %d are stored", len(reported), len(stored))
	// Commits are sequential: the store holds exactly the first n names,
	// where n is what was reported plus at most one commit not yet reported.
	if n := len(stored); n != len(reported) && n != len(reported)+1 {
		t.Errorf("got %d functions stored, want %d or %d", n, len(reported), len(reported)+1)
	}
	for i, f := range stored {
		if want := writerName(i); f.FunctionName != want {
			t.Fatalf("stored function #%d: got %q, want %q", i, f.FunctionName, want)
		}
	}
}

// runAndKillWriter starts the writer child, SIGKILLs it after
// killAfterCommit reported commits and returns every name it reported.
func runAndKillWriter(t *testing.T, path string) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), writerEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start writer: %v", err)
	}
	var reported []string
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		reported = append(reported, lines.Text())
		if len(reported) == killAfterCommit {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Errorf("kill writer: %v", err)
			}
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("writer was not killed: %v; stderr: %s", err, stderr.String())
	}
	return reported
}
