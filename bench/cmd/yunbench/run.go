package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/yun-fc/yun/bench/internal/coldstart"
	"github.com/yun-fc/yun/bench/internal/doubling"
	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/spike"
	"github.com/yun-fc/yun/bench/internal/warmpath"
)

// scenario is one benchmark: its flags and what runs it.
type scenario struct {
	summary string
	flags   func(fs *flag.FlagSet) func(ctx context.Context, env *harness.Env) error
}

// scenarios lists the benchmarks by name.
func scenarios() map[string]scenario {
	return map[string]scenario{
		"doubling": {"open-loop load doubling every step; P95 per second, errors, cold starts, instances",
			func(fs *flag.FlagSet) func(context.Context, *harness.Env) error {
				cfg := doubling.Defaults()
				cfg.Flags(fs)
				return func(ctx context.Context, env *harness.Env) error { return doubling.Run(ctx, env, cfg) }
			}},
		"warmpath": {"Yun's invoke path against calling the same instance directly",
			func(fs *flag.FlagSet) func(context.Context, *harness.Env) error {
				cfg := warmpath.Defaults()
				cfg.Flags(fs)
				return func(ctx context.Context, env *harness.Env) error { return warmpath.Run(ctx, env, &cfg) }
			}},
		"coldstart": {"cold starts per runtime with and without pre-warmed sandboxes, next to booting by hand; idle memory, creations/s",
			func(fs *flag.FlagSet) func(context.Context, *harness.Env) error {
				cfg := coldstart.Defaults()
				cfg.Flags(fs)
				return func(ctx context.Context, env *harness.Env) error { return coldstart.Run(ctx, env, cfg) }
			}},
		"spike": {"provisioned instances under a step to target×concurrency in flight, then beyond",
			func(fs *flag.FlagSet) func(context.Context, *harness.Env) error {
				cfg := spike.Defaults()
				cfg.Flags(fs)
				return func(ctx context.Context, env *harness.Env) error { return spike.Run(ctx, env, cfg) }
			}},
	}
}

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitUnsupported = 3 // the server lacks what the scenario needs
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == warmpath.RefCommand { // a process the warmpath scenario starts
		if err := warmpath.ServeReference(ctx, args[1:], os.Stdin, stdout); err != nil {
			fmt.Fprintln(stderr, "yunbench:", err)
			return exitFailed
		}
		return exitOK
	}
	if len(args) == 0 || scenarios()[args[0]].flags == nil {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory of the reports (default: docs/benchmarks of the repository)")
	keepLimits := fs.Bool("keep-limits", false, "keep the node's default flow-control limits (default: raise them for the admin account)")
	quiet := fs.Float64("quiet", 0, "doubling and spike: first wait for a second in which the machine is at most this busy, % of one core (0: do not wait)")
	quietWait := fs.Duration("quiet-wait", 3*time.Minute, "the longest wait of -quiet")
	scenarioRun := scenarios()[name].flags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	env, err := harness.NewEnv(".", *out, "go run ./bench/cmd/yunbench "+strings.Join(args, " "), stdout)
	if err != nil {
		fmt.Fprintln(stderr, "yunbench:", err)
		return exitFailed
	}
	env.KeepLimits = *keepLimits
	env.QuietBusy, env.QuietWait = *quiet, *quietWait
	err = errors.Join(scenarioRun(ctx, env), env.Close())
	switch {
	case errors.Is(err, spike.ErrUnsupported):
		fmt.Fprintln(stderr, "yunbench:", err)
		return exitUnsupported
	case err != nil:
		fmt.Fprintln(stderr, "yunbench:", err)
		return exitFailed
	}
	return exitOK
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: go run ./bench/cmd/yunbench <scenario> [flags]   (-h after a scenario lists its flags)")
	fmt.Fprintln(w, "scenarios:")
	for _, name := range []string{"doubling", "warmpath", "spike"} {
		fmt.Fprintf(w, "  %-9s %s\n", name, scenarios()[name].summary)
	}
}
