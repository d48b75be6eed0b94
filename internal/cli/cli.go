// Package cli is the yun command line: `yun server` runs a node, every other
// subcommand is a client of the FC 3.0 API. Run is the whole program and is
// testable: it takes its arguments, output streams and environment.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/client"
)

// env is the process environment as the CLI sees it (injected for tests).
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	endpoint, accessKeyID, accessKeySecret, configPath string
	json                                               bool
}

// Run executes the yun command line and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := e.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return int(exit)
	}
	fmt.Fprintln(stderr, "yun:", err)
	return 1
}

// exitError ends the command with a code after it printed its own output.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "yun",
		Short:         "Yun: a self-hosted Function Compute platform speaking the FC 3.0 API",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	f := root.PersistentFlags()
	f.StringVar(&e.endpoint, "endpoint", "", "API endpoint, e.g. http://127.0.0.1:9900 (env YUN_ENDPOINT; default from the config file)")
	f.StringVar(&e.accessKeyID, "access-key-id", "", "access key id (env YUN_ACCESS_KEY_ID)")
	f.StringVar(&e.accessKeySecret, "access-key-secret", "", "access key secret (env YUN_ACCESS_KEY_SECRET)")
	f.StringVar(&e.configPath, "config", "", "client config file (env YUN_CONFIG; default ~/.config/yun/config.json, written by `yun server`)")
	f.BoolVar(&e.json, "json", false, "print JSON for scripts")
	root.AddCommand(e.serverCommand(), e.deployCommand(), e.invokeCommand(), e.functionsCommand(),
		e.accountsCommand(), e.keysCommand(), e.tasksCommand(),
		e.versionsCommand(), e.aliasesCommand(), e.triggersCommand(), e.layersCommand(), e.domainsCommand())
	return root
}

// client builds an API client from flags, environment and the config file,
// in that order of precedence.
func (e *env) client() (*client.Client, error) {
	endpoint, ak, secret := first(e.endpoint, e.getenv("YUN_ENDPOINT")), first(e.accessKeyID, e.getenv("YUN_ACCESS_KEY_ID")), first(e.accessKeySecret, e.getenv("YUN_ACCESS_KEY_SECRET"))
	if endpoint == "" || ak == "" || secret == "" {
		path := first(e.configPath, e.getenv("YUN_CONFIG"), client.DefaultConfigPath())
		cfg, err := client.LoadConfig(path)
		if err != nil {
			return nil, fmt.Errorf("no endpoint and keys given and no usable config at %s (start `yun server` on this machine, or pass --endpoint and keys): %w", path, err)
		}
		endpoint, ak, secret = first(endpoint, cfg.Endpoint), first(ak, cfg.AccessKeyID), first(secret, cfg.AccessKeySecret)
	}
	return client.New(endpoint, ak, secret), nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// printJSON writes v indented, for --json.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
