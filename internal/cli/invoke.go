package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/client"
)

func (e *env) invokeCommand() *cobra.Command {
	var data, file, qualifier, taskID string
	var log, isAsync bool
	cmd := &cobra.Command{
		Use:   "invoke NAME [--data JSON | --file PATH] [--async [--task-id ID]]",
		Short: "Invoke a function synchronously and print its result",
		Long: `Invoke a function synchronously and print its result on stdout.
A function error (x-fc-error-type) is printed on stderr and exits with status 2.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("data") && cmd.Flags().Changed("file") {
				return errors.New("--data and --file cannot be used together")
			}
			body, err := e.payload(data, file)
			if err != nil {
				return err
			}
			c, err := e.client()
			if err != nil {
				return err
			}
			opt := client.InvokeOptions{Qualifier: qualifier, Body: body, LogTail: log, Async: isAsync}
			if taskID != "" {
				opt.Header = http.Header{"X-Fc-Async-Task-Id": {taskID}}
			}
			res, err := c.Invoke(cmd.Context(), args[0], opt)
			if err != nil {
				return err
			}
			if isAsync {
				return e.printAccepted(res)
			}
			return e.printInvoke(res, log)
		},
	}
	f := cmd.Flags()
	f.StringVar(&data, "data", "", "event payload")
	f.StringVar(&file, "file", "", `read the event payload from a file ("-" for stdin)`)
	f.StringVar(&qualifier, "qualifier", "", "version or alias (default LATEST)")
	f.BoolVar(&log, "log", false, "print the invocation's log tail on stderr")
	f.BoolVar(&isAsync, "async", false, "invoke asynchronously: stored durably, run later with retries")
	f.StringVar(&taskID, "task-id", "", "with --async: the task id (letters, digits, _ and -), for idempotent retries")
	return cmd
}

func (e *env) printAccepted(res *client.InvokeResult) error {
	task := res.Header.Get("x-fc-async-task-id")
	if e.json {
		return e.printJSON(map[string]any{"statusCode": res.Status, "requestId": res.RequestID, "taskId": task})
	}
	fmt.Fprintf(e.stdout, "accepted: request %s, task %s\n", res.RequestID, task)
	return nil
}

func (e *env) payload(data, file string) ([]byte, error) {
	switch file {
	case "":
		return []byte(data), nil
	case "-":
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(file)
}

func (e *env) printInvoke(res *client.InvokeResult, log bool) error {
	if e.json {
		return e.printJSON(map[string]any{"statusCode": res.Status, "requestId": res.RequestID,
			"errorType": res.ErrorType, "body": string(res.Body), "log": string(res.Log)})
	}
	if log && len(res.Log) > 0 {
		fmt.Fprintf(e.stderr, "--- log (request %s) ---\n%s\n---\n", res.RequestID, res.Log)
	}
	if res.ErrorType != "" {
		fmt.Fprintf(e.stderr, "function error (%s), request %s:\n%s\n", res.ErrorType, res.RequestID, res.Body)
		return exitError(2)
	}
	e.stdout.Write(res.Body)
	if len(res.Body) > 0 && res.Body[len(res.Body)-1] != '\n' {
		fmt.Fprintln(e.stdout)
	}
	return nil
}
