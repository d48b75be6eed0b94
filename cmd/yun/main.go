// Command yun runs a Yun node (`yun server`) and is its client (every other
// subcommand).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/yun-fc/yun/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
