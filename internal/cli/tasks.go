package cli

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

func (e *env) tasksCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "tasks", Short: "Asynchronous invocation tasks"}
	var status, prefix string
	var limit int
	var payload bool
	list := &cobra.Command{
		Use: "list FUNCTION", Short: "List a function's async tasks, newest first", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := url.Values{}
			for k, v := range map[string]string{"status": status, "prefix": prefix} {
				if v != "" {
					q.Set(k, v)
				}
			}
			if limit > 0 {
				q.Set("limit", strconv.Itoa(limit))
			}
			if payload {
				q.Set("includePayload", "true")
			}
			var out fc.ListAsyncTaskOutput
			op := client.Op{Action: "ListAsyncTasks", Method: http.MethodGet, Path: "/functions/" + client.PathEscape(args[0]) + "/async-tasks", Query: q}
			if err := e.call(cmd, op, nil, &out); err != nil {
				return err
			}
			if e.json {
				return e.printJSON(out)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TASK\tSTATUS\tSTARTED\tDURATION\tRETRIES")
			for _, t := range out.Tasks {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d ms\t%d\n", t.TaskID, t.Status, time.UnixMilli(t.StartedTime).UTC().Format(time.RFC3339), t.DurationMs, t.AlreadyRetriedTimes)
			}
			return tw.Flush()
		},
	}
	f := list.Flags()
	f.StringVar(&status, "status", "", "only tasks in this status (Enqueued, Running, Succeeded, Failed, …)")
	f.StringVar(&prefix, "prefix", "", "only task ids with this prefix")
	f.IntVar(&limit, "limit", 0, "at most this many (1-100)")
	f.BoolVar(&payload, "payload", false, "include payloads and results")
	cmd.AddCommand(list,
		&cobra.Command{Use: "get FUNCTION TASK", Short: "Show a task with its events", Args: cobra.ExactArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				var t fc.AsyncTask
				op := client.Op{Action: "GetAsyncTask", Method: http.MethodGet, Path: "/functions/" + client.PathEscape(args[0]) + "/async-tasks/" + client.PathEscape(args[1])}
				if err := e.call(cmd, op, nil, &t); err != nil {
					return err
				}
				return e.printJSON(t)
			}},
		&cobra.Command{Use: "stop FUNCTION TASK", Short: "Stop a queued, retrying or running task", Args: cobra.ExactArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				op := client.Op{Action: "StopAsyncTask", Method: http.MethodPut, Path: "/functions/" + client.PathEscape(args[0]) + "/async-tasks/" + client.PathEscape(args[1]) + "/stop"}
				if err := e.call(cmd, op, nil, nil); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "stopped task %s\n", args[1])
				return nil
			}},
	)
	return cmd
}
