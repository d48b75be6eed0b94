package cli

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// deployFlags are the function settings `yun deploy` can set.
type deployFlags struct {
	name, runtime, handler, description string
	memory, timeout, concurrency, port  int
	env, command                        []string
	initializer                         string
	initializerTimeout                  int
}

func (e *env) deployCommand() *cobra.Command {
	var d deployFlags
	cmd := &cobra.Command{
		Use:   "deploy DIR --name NAME --runtime RUNTIME --handler HANDLER",
		Short: "Zip a directory and create the function, or update it if it exists",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.deploy(args[0], cmd, &d)
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.name, "name", "", "function name (required)")
	f.StringVar(&d.runtime, "runtime", "", "runtime, e.g. nodejs20, python3.11, custom.debian12 (required on create)")
	f.StringVar(&d.handler, "handler", "", "handler as file.method, e.g. index.handler")
	f.StringVar(&d.description, "description", "", "description")
	f.IntVar(&d.memory, "memory", 0, "memory size in MB (multiple of 64, 128-32768)")
	f.IntVar(&d.timeout, "timeout", 0, "timeout in seconds (1-86400)")
	f.IntVar(&d.concurrency, "concurrency", 0, "requests one instance serves at once (instanceConcurrency)")
	f.StringArrayVar(&d.env, "env", nil, "environment variable K=V (repeatable)")
	f.StringArrayVar(&d.command, "command", nil, "custom runtime: the server's command and arguments, one per flag")
	f.IntVar(&d.port, "port", 0, "custom runtime: the port the server listens on (default 9000)")
	f.StringVar(&d.initializer, "initializer", "", "initializer handler, e.g. index.initialize")
	f.IntVar(&d.initializerTimeout, "initializer-timeout", 0, "initializer timeout in seconds")
	cmd.MarkFlagRequired("name")
	return cmd
}

func (e *env) deploy(dir string, cmd *cobra.Command, d *deployFlags) error {
	c, err := e.client()
	if err != nil {
		return err
	}
	zipped, err := blob.ZipDir(dir)
	if err != nil {
		return fmt.Errorf("pack %s: %w", dir, err)
	}
	in, err := d.input(cmd)
	if err != nil {
		return err
	}
	in.Code = &fc.InputCodeLocation{ZipFile: base64.StdEncoding.EncodeToString(zipped)}
	ctx := cmd.Context()
	action := "updated"
	f, err := c.UpdateFunction(ctx, d.name, in)
	if client.IsCode(err, fc.CodeFunctionNotFound) {
		action, in.FunctionName = "created", &d.name
		f, err = c.CreateFunction(ctx, in)
	}
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(f)
	}
	fmt.Fprintf(e.stdout, "%s function %s (%s, %d MB, code %d bytes, checksum %s)\n",
		action, f.FunctionName, f.Runtime, f.MemorySize, f.CodeSize, f.CodeChecksum)
	return nil
}

// input builds the FunctionInput from the flags that were set, so an
// update changes only those.
func (d *deployFlags) input(cmd *cobra.Command) (*fc.FunctionInput, error) {
	in := &fc.FunctionInput{}
	set := cmd.Flags().Changed
	if set("runtime") {
		in.Runtime = &d.runtime
	}
	if set("handler") {
		in.Handler = &d.handler
	}
	if set("description") {
		in.Description = &d.description
	}
	if set("memory") {
		in.MemorySize = &d.memory
	}
	if set("timeout") {
		in.Timeout = &d.timeout
	}
	if set("concurrency") {
		in.InstanceConcurrency = &d.concurrency
	}
	if set("env") {
		in.EnvironmentVariables = map[string]string{}
		for _, kv := range d.env {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, fmt.Errorf("--env %q: want K=V", kv)
			}
			in.EnvironmentVariables[k] = v
		}
	}
	if set("command") || set("port") {
		in.CustomRuntimeConfig = &fc.CustomRuntimeConfig{Port: d.port}
		if len(d.command) > 0 {
			in.CustomRuntimeConfig.Command = d.command
		}
	}
	if set("initializer") {
		in.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{
			Initializer: &fc.LifecycleHook{Handler: d.initializer, Timeout: d.initializerTimeout}}
	}
	return in, nil
}
