// Command httptrigger measures what an HTTP trigger costs next to
// InvokeFunction: the same warm Node.js function is called through the
// signed API path (POST /2023-03-30/functions/{name}/invocations) and
// through its anonymous HTTP trigger (/yun/http/…), and the same answer
// from a custom runtime through its trigger (the request passed through),
// with 1 and 16 closed-loop clients, and the report goes to
// docs/benchmarks/httptrigger.md:
//
//	go run ./bench/httptrigger [-duration 8s] [-rounds 3] [-out docs/benchmarks/httptrigger.md]
//
// The paths run in alternating rounds against one server, so that drift of
// a noisy machine spreads over both. The load generator shares the machine
// with the server; the report says so.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is one benchmark run's settings.
type config struct {
	duration time.Duration // per path and client count, over all rounds
	rounds   int
	clients  []int
	out      string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("httptrigger", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{clients: []int{1, 16}}
	fs.DurationVar(&cfg.duration, "duration", 8*time.Second, "measuring time per path and client count")
	fs.IntVar(&cfg.rounds, "rounds", 3, "alternating rounds the duration is split into")
	fs.StringVar(&cfg.out, "out", "docs/benchmarks/httptrigger.md", "report path")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.rounds < 1 || cfg.duration <= 0 {
		fmt.Fprintln(stderr, "httptrigger: -rounds must be >= 1 and -duration > 0")
		return 2
	}
	if err := bench(ctx, cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "httptrigger:", err)
		return 1
	}
	return 0
}

func bench(ctx context.Context, cfg config, progress io.Writer) error {
	load := [2]string{loadAverage()}
	srv, err := startServer(ctx, progress)
	if err != nil {
		return err
	}
	defer srv.stop()
	target, err := deploy(ctx, srv)
	if err != nil {
		return err
	}
	results, err := measure(ctx, cfg, target, progress)
	if err != nil {
		return err
	}
	srv.stop()
	load[1] = loadAverage()
	fmt.Fprintln(progress, "in-process benchmark …")
	lines, err := inProcess(ctx)
	if err != nil {
		return err
	}
	return writeReport(cfg, results, lines, load, os.Args)
}
