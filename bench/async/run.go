package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/yun-fc/yun/bench/internal/harness"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("async", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory of the report (default: docs/benchmarks of the repository)")
	keepLimits := fs.Bool("keep-limits", false, "keep the node's default flow-control limits (default: raise them for the admin account)")
	cfg := Defaults()
	cfg.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "async:", err)
		return exitUsage
	}
	command := strings.TrimSpace("go run ./bench/async " + strings.Join(args, " "))
	env, err := harness.NewEnv(".", *out, command, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "async:", err)
		return exitFailed
	}
	env.KeepLimits = *keepLimits
	if err := errors.Join(Run(ctx, env, cfg), env.Close()); err != nil {
		fmt.Fprintln(stderr, "async:", err)
		return exitFailed
	}
	return exitOK
}
