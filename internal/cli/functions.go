package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

func (e *env) functionsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "functions", Aliases: []string{"fn"}, Short: "List, show and delete functions"}
	cmd.AddCommand(e.functionsList(), e.functionsGet(), e.functionsDelete())
	return cmd
}

func (e *env) functionsList() *cobra.Command {
	var prefix string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List functions (all pages unless --limit is given)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := e.client()
			if err != nil {
				return err
			}
			var all []*fc.Function
			opt := client.ListOptions{Prefix: prefix, Limit: limit}
			for {
				out, err := c.ListFunctions(cmd.Context(), opt)
				if err != nil {
					return err
				}
				all = append(all, out.Functions...)
				if out.NextToken == "" || limit > 0 {
					break
				}
				opt.NextToken = out.NextToken
			}
			return e.printFunctions(all)
		},
	}
	cmd.Flags().StringVar(&prefix, "prefix", "", "only names with this prefix")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many (1-100), one page")
	return cmd
}

func (e *env) printFunctions(fns []*fc.Function) error {
	if e.json {
		if fns == nil {
			fns = []*fc.Function{}
		}
		return e.printJSON(fns)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRUNTIME\tHANDLER\tMEMORY\tTIMEOUT\tMODIFIED")
	for _, f := range fns {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d MB\t%d s\t%s\n", f.FunctionName, f.Runtime, f.Handler, f.MemorySize, f.Timeout, f.LastModifiedTime)
	}
	return tw.Flush()
}

func (e *env) functionsGet() *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Show a function's configuration as JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.client()
			if err != nil {
				return err
			}
			f, err := c.GetFunction(cmd.Context(), args[0], "")
			if err != nil {
				return err
			}
			return e.printJSON(f)
		},
	}
}

func (e *env) functionsDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a function",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.client()
			if err != nil {
				return err
			}
			if err := c.DeleteFunction(cmd.Context(), args[0]); err != nil {
				return err
			}
			if !e.json {
				fmt.Fprintf(e.stdout, "deleted function %s\n", args[0])
			}
			return nil
		},
	}
}
