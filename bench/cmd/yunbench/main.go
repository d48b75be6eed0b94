// Command yunbench runs Yun's load benchmarks against a real yun server and
// writes their reports to docs/benchmarks:
//
//	go run ./bench/cmd/yunbench doubling [flags]
//	go run ./bench/cmd/yunbench warmpath [flags]
//	go run ./bench/cmd/yunbench spike [flags]
//	go run ./bench/cmd/yunbench coldstart [flags]
//
// Run it from the repository (or pass -out). See bench/README.md.
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
