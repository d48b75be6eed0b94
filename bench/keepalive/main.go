// Command keepalive replays the Azure Functions trace samples through Yun's
// real scheduler with each keep-alive policy and writes
// docs/benchmarks/keepalive.md and keepalive.svg:
//
//	go run ./bench/keepalive [-traces DIR] [-out DIR]
//
// The replay itself is a test of package internal/scheduler/replay (it needs
// testing/synctest's virtual time): this command runs
// `go test ./internal/scheduler/replay -run TestReplayFull -full`, keeps
// the results it writes in docs/benchmarks/raw/keepalive.json (not
// committed) and renders the report; -from renders from such a file.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// policies are replayed in this order: the fixed frontier, the paper's
// hybrid policy, Yun's default and Yun's at other cold-start costs.
var policies = []string{"fixed:5m", "fixed:10m", "fixed:20m", "fixed:30m", "fixed:1h", "fixed:2h",
	"hybrid", "yun", "yun:100000", "yun:300000", "yun:1000000", "yun:3000000"}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keepalive", flag.ContinueOnError)
	fs.SetOutput(stderr)
	traces := fs.String("traces", "../shared/traces", "directory of the Azure trace samples")
	out := fs.String("out", "docs/benchmarks", "where to write keepalive.md and keepalive.svg")
	from := fs.String("from", "", "render the report from this results file instead of replaying")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := generate(ctx, *traces, *out, *from, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "keepalive:", err)
		return 1
	}
	return 0
}

// generate replays the traces (unless from names earlier results), keeps
// the results in raw/keepalive.json under out and renders the report.
func generate(ctx context.Context, traces, out, from string, stdout, stderr io.Writer) error {
	raw := filepath.Join(out, "raw", "keepalive.json")
	if from == "" {
		abs, err := filepath.Abs(traces)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(raw), 0o755); err != nil {
			return err
		}
		rawAbs, err := filepath.Abs(raw)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, "go", "test", "./internal/scheduler/replay", "-run", "^TestReplayFull$", "-count=1",
			"-timeout", "60m", "-v", "-args", "-full", "-traces", abs, "-out", rawAbs, "-policy", strings.Join(policies, ","))
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		from = raw
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	var res results
	if err := json.Unmarshal(data, &res); err != nil {
		return fmt.Errorf("replay results: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "keepalive.svg"), chart(res.Sample2019), 0o644); err != nil {
		return err
	}
	md := render(ctx, res)
	if err := os.WriteFile(filepath.Join(out, "keepalive.md"), []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and keepalive.svg\n", filepath.Join(out, "keepalive.md"))
	return nil
}
