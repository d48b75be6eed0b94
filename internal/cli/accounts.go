package cli

import (
	"fmt"
	"net/http"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/api"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/store"
)

// adminOp is a call to Yun's own admin API.
func adminOp(action, method, path string) client.Op {
	return client.Op{Action: action, Method: method, Path: path, Prefix: client.AdminPrefix}
}

func (e *env) accountsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "accounts", Short: "Manage tenants (admin only)"}
	var limits store.Limits
	limitFlags := func(c *cobra.Command) {
		f := c.Flags()
		f.IntVar(&limits.MaxFunctions, "max-functions", 0, "function quota (0: node default)")
		f.IntVar(&limits.MaxInstances, "max-instances", 0, "instance quota (0: node default)")
		f.IntVar(&limits.MaxMemoryMB, "max-memory-mb", 0, "memory its instances may hold together, in MB (0: the node's)")
		f.Float64Var(&limits.RequestsPerSecond, "rps", 0, "request rate limit per second (0: node default)")
		f.IntVar(&limits.Burst, "burst", 0, "request burst (0: node default)")
		f.Float64Var(&limits.FunctionRequestsPerSecond, "function-rps", 0, "invocation rate limit per function (0: node default)")
		f.IntVar(&limits.MaxConcurrentRequests, "max-concurrent", 0, "invocations in flight (0: node default)")
	}
	create := &cobra.Command{
		Use: "create NAME", Short: "Create an account and its first access key", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var out api.AccountOutput
			in := api.AccountInput{Name: &args[0], Limits: &limits}
			if err := e.call(cmd, adminOp("CreateAccount", http.MethodPost, "/accounts"), in, &out); err != nil {
				return err
			}
			if e.json {
				return e.printJSON(out)
			}
			fmt.Fprintf(e.stdout, "created account %s (%s)\n  access key id:     %s\n  access key secret: %s   (shown once)\n",
				out.ID, out.Name, out.AccessKey.ID, out.AccessKey.Secret)
			return nil
		},
	}
	limitFlags(create)
	var disable, enable bool
	update := &cobra.Command{
		Use: "update ID", Short: "Change an account's limits, or disable/enable it", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := api.AccountInput{}
			if cmd.Flags().Changed("disable") || cmd.Flags().Changed("enable") {
				in.Disabled = &disable
				if enable {
					in.Disabled = new(bool)
				}
			}
			if anyChanged(cmd, "max-functions", "max-instances", "rps", "burst", "function-rps", "max-concurrent") {
				in.Limits = &limits
			}
			var out store.Account
			if err := e.call(cmd, adminOp("UpdateAccount", http.MethodPut, "/accounts/"+client.PathEscape(args[0])), in, &out); err != nil {
				return err
			}
			return e.printJSON(out)
		},
	}
	limitFlags(update)
	update.Flags().BoolVar(&disable, "disable", false, "disable the account: its keys stop working")
	update.Flags().BoolVar(&enable, "enable", false, "enable the account again")
	cmd.AddCommand(create, update,
		&cobra.Command{Use: "list", Short: "List accounts", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				var out struct{ Accounts []*store.Account }
				if err := e.call(cmd, adminOp("ListAccounts", http.MethodGet, "/accounts"), nil, &out); err != nil {
					return err
				}
				if e.json {
					return e.printJSON(out.Accounts)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tADMIN\tDISABLED\tCREATED")
				for _, a := range out.Accounts {
					fmt.Fprintf(tw, "%s\t%s\t%v\t%v\t%s\n", a.ID, a.Name, a.Admin, a.Disabled, a.Created)
				}
				return tw.Flush()
			}},
		&cobra.Command{Use: "get ID", Short: "Show an account", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				var out store.Account
				if err := e.call(cmd, adminOp("GetAccount", http.MethodGet, "/accounts/"+client.PathEscape(args[0])), nil, &out); err != nil {
					return err
				}
				return e.printJSON(out)
			}})
	return cmd
}

func (e *env) keysCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "Manage access keys (admin only)"}
	setDisabled := func(action string, disabled bool) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			var out store.AccessKey
			in := api.KeyInput{Disabled: &disabled}
			if err := e.call(cmd, adminOp(action, http.MethodPut, "/keys/"+client.PathEscape(args[0])), in, &out); err != nil {
				return err
			}
			if !e.json {
				fmt.Fprintf(e.stdout, "key %s disabled=%v\n", out.ID, out.Disabled)
				return nil
			}
			return e.printJSON(out)
		}
	}
	cmd.AddCommand(
		&cobra.Command{Use: "list ACCOUNT", Short: "List an account's keys (secrets are not shown)", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				var out struct{ Keys []*store.AccessKey }
				if err := e.call(cmd, adminOp("ListKeys", http.MethodGet, "/accounts/"+client.PathEscape(args[0])+"/keys"), nil, &out); err != nil {
					return err
				}
				if e.json {
					return e.printJSON(out.Keys)
				}
				for _, k := range out.Keys {
					fmt.Fprintf(e.stdout, "%s  disabled=%v  created %s\n", k.ID, k.Disabled, k.Created)
				}
				return nil
			}},
		&cobra.Command{Use: "create ACCOUNT", Short: "Create a key; to rotate, create one and disable the old", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				var out store.AccessKey
				if err := e.call(cmd, adminOp("CreateKey", http.MethodPost, "/accounts/"+client.PathEscape(args[0])+"/keys"), nil, &out); err != nil {
					return err
				}
				if e.json {
					return e.printJSON(out)
				}
				fmt.Fprintf(e.stdout, "access key id:     %s\naccess key secret: %s   (shown once)\n", out.ID, out.Secret)
				return nil
			}},
		&cobra.Command{Use: "disable KEY", Short: "Disable a key", Args: cobra.ExactArgs(1), RunE: setDisabled("DisableKey", true)},
		&cobra.Command{Use: "enable KEY", Short: "Enable a key", Args: cobra.ExactArgs(1), RunE: setDisabled("EnableKey", false)},
	)
	return cmd
}

// call runs one API operation with the configured client.
func (e *env) call(cmd *cobra.Command, op client.Op, in, out any) error {
	c, err := e.client()
	if err != nil {
		return err
	}
	return c.Do(cmd.Context(), op, in, out)
}

func anyChanged(cmd *cobra.Command, names ...string) bool {
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			return true
		}
	}
	return false
}
