package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/yun-fc/yun/bench/internal/report"
)

// Env is one benchmark run's surroundings.
type Env struct {
	Repo    string // the repository root (holds go.mod)
	Out     string // where reports go: Repo/docs/benchmarks unless set otherwise
	Command string // the exact command that started the run, for the report
	Work    string // temporary directory of this run
	// Machine is the machine's description, taken when the run started.
	Machine report.Machine
	// KeepLimits leaves the admin account's flow-control limits at the
	// node's defaults instead of raising them for the benchmark.
	KeepLimits bool
	// QuietBusy, when positive, makes a scenario wait (at most QuietWait)
	// for the machine to be at most this busy, in % of one core, before
	// its load starts (see AwaitQuiet).
	QuietBusy float64
	QuietWait time.Duration

	progress io.Writer
	mu       sync.Mutex
	servers  []*Server
	bin      string
}

// NewEnv prepares a run from the repository containing dir. out may be ""
// for Repo/docs/benchmarks.
func NewEnv(dir, out, command string, progress io.Writer) (*Env, error) {
	repo, err := FindRepo(dir)
	if err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join(repo, "docs", "benchmarks")
	}
	work, err := os.MkdirTemp("", "yunbench-")
	if err != nil {
		return nil, fmt.Errorf("harness: %w", err)
	}
	return &Env{Repo: repo, Out: out, Command: command, Work: work, progress: progress,
		Machine: report.DetectMachine(context.Background(), repo)}, nil
}

// Logf reports progress to the person running the benchmark.
func (e *Env) Logf(format string, args ...any) {
	fmt.Fprintf(e.progress, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// RawDir is where raw, uncommitted data goes.
func (e *Env) RawDir() string { return filepath.Join(e.Out, "raw") }

// Close stops every server still running and removes the work directory.
func (e *Env) Close() error {
	e.mu.Lock()
	servers := e.servers
	e.mu.Unlock()
	var errs []error
	for _, s := range servers {
		errs = append(errs, s.Stop(30*time.Second))
	}
	errs = append(errs, os.RemoveAll(e.Work))
	return errors.Join(errs...)
}

// FindRepo walks up from dir to the directory holding go.mod.
func FindRepo(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find repository from %s: %w", dir, err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("find repository from %s: no go.mod above it", abs)
		}
	}
}

// Build compiles ./cmd/yun once per Env and returns the binary's path.
func (e *Env) Build(ctx context.Context) (string, error) {
	if e.bin != "" {
		return e.bin, nil
	}
	bin := filepath.Join(e.Work, "yun")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/yun")
	cmd.Dir = e.Repo
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/yun: %w\n%s", err, out)
	}
	e.bin = bin
	return bin, nil
}
