// Command async benchmarks Yun's asynchronous invocation against a real yun
// server and writes docs/benchmarks/async.md (and async.svg):
//
//	go run ./bench/async [flags]
//
// It deploys examples/hello-node twice: a load function that receives N
// async invocations from a pool of closed-loop clients, and a probe function
// that a single client invokes synchronously at a fixed interval for the
// whole run. It measures:
//
//   - acceptance: 202 answers per second and the accept latency, i.e. how
//     fast Yun makes invocations durable in its JetStream queue;
//   - drain: the time from the first submission until every task has
//     ended Succeeded (from the tasks' own endTime), i.e. the end-to-end rate;
//   - sync latency of the probe before the backlog, while it is submitted,
//     while it drains, and after.
//
// Invariants: load goes only to the loopback endpoint the server printed;
// every loop is bounded in requests and in time; the server is stopped with
// SIGTERM by PID (bench/internal/harness). The run reports what it measured
// and nothing else: a figure it could not measure reads "n/a".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
