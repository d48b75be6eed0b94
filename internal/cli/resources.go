package cli

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// The commands for a function's versions, aliases and triggers, and for
// layers and custom domains. Each is one FC operation; answers print as
// JSON.

func fnPath(name string, rest ...string) string {
	p := "/functions/" + client.PathEscape(name)
	for _, r := range rest {
		p += "/" + client.PathEscape(r)
	}
	return p
}

// op runs one FC operation and prints its JSON answer (or "done").
func (e *env) op(cmd *cobra.Command, action, method, path string, query url.Values, in any) error {
	var out any
	if method != http.MethodDelete && !strings.HasPrefix(action, "Stop") {
		out = new(map[string]any)
	}
	if err := e.call(cmd, client.Op{Action: action, Method: method, Path: path, Query: query}, in, out); err != nil {
		return err
	}
	if out == nil {
		fmt.Fprintf(e.stdout, "%s: done\n", action)
		return nil
	}
	return e.printJSON(out)
}

func cmdWith(use, short string, n int, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(n), RunE: run}
}

func (e *env) versionsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "versions", Short: "Publish, list and delete a function's versions"}
	var desc string
	publish := cmdWith("publish FUNCTION", "Publish LATEST as a new immutable version", 1, func(cmd *cobra.Command, a []string) error {
		return e.op(cmd, "PublishFunctionVersion", http.MethodPost, fnPath(a[0], "versions"), nil, fc.PublishVersionInput{Description: &desc})
	})
	publish.Flags().StringVar(&desc, "description", "", "version description")
	cmd.AddCommand(publish,
		cmdWith("list FUNCTION", "List versions, newest first", 1, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "ListFunctionVersions", http.MethodGet, fnPath(a[0], "versions"), url.Values{"limit": {"100"}}, nil)
		}),
		cmdWith("delete FUNCTION VERSION", "Delete a version no alias uses", 2, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "DeleteFunctionVersion", http.MethodDelete, fnPath(a[0], "versions", a[1]), nil, nil)
		}))
	return cmd
}

func (e *env) aliasesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "aliases", Short: "Route names to versions, with canary weights"}
	var version, desc string
	var canary []string
	input := func(cmd *cobra.Command, name string) (*fc.AliasInput, error) {
		in := &fc.AliasInput{}
		if name != "" {
			in.AliasName = &name
		}
		if cmd.Flags().Changed("version") {
			in.VersionID = &version
		}
		if cmd.Flags().Changed("description") {
			in.Description = &desc
		}
		if cmd.Flags().Changed("canary") {
			in.AdditionalVersionWeight = map[string]float64{}
			for _, c := range canary {
				if c == "" {
					continue // --canary '' clears the weights
				}
				v, w, ok := strings.Cut(c, "=")
				weight, err := strconv.ParseFloat(w, 64)
				if !ok || err != nil {
					return nil, fmt.Errorf("--canary %q: want VERSION=WEIGHT, e.g. 2=0.1", c)
				}
				in.AdditionalVersionWeight[v] = weight
			}
		}
		return in, nil
	}
	flags := func(c *cobra.Command) {
		c.Flags().StringVar(&version, "version", "", "the version the alias points at")
		c.Flags().StringVar(&desc, "description", "", "description")
		c.Flags().StringArrayVar(&canary, "canary", nil, "VERSION=WEIGHT: send this share (0-1] of calls to another version")
	}
	create := cmdWith("create FUNCTION ALIAS --version V", "Create an alias", 2, func(cmd *cobra.Command, a []string) error {
		in, err := input(cmd, a[1])
		if err != nil {
			return err
		}
		return e.op(cmd, "CreateAlias", http.MethodPost, fnPath(a[0], "aliases"), nil, in)
	})
	update := cmdWith("update FUNCTION ALIAS", "Change an alias's version or weights", 2, func(cmd *cobra.Command, a []string) error {
		in, err := input(cmd, "")
		if err != nil {
			return err
		}
		return e.op(cmd, "UpdateAlias", http.MethodPut, fnPath(a[0], "aliases", a[1]), nil, in)
	})
	flags(create)
	flags(update)
	cmd.AddCommand(create, update,
		cmdWith("get FUNCTION ALIAS", "Show an alias", 2, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "GetAlias", http.MethodGet, fnPath(a[0], "aliases", a[1]), nil, nil)
		}),
		cmdWith("list FUNCTION", "List aliases", 1, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "ListAliases", http.MethodGet, fnPath(a[0], "aliases"), url.Values{"limit": {"100"}}, nil)
		}),
		cmdWith("delete FUNCTION ALIAS", "Delete an alias", 2, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "DeleteAlias", http.MethodDelete, fnPath(a[0], "aliases", a[1]), nil, nil)
		}))
	return cmd
}

func (e *env) triggersCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "triggers", Short: "HTTP and timer triggers"}
	var typ, config, qualifier, desc string
	body := func(cmd *cobra.Command, name string) map[string]any {
		in := map[string]any{}
		if name != "" {
			in["triggerName"], in["triggerType"] = name, typ
		}
		if cmd.Flags().Changed("config") {
			in["triggerConfig"] = config
		}
		if cmd.Flags().Changed("qualifier") {
			in["qualifier"] = qualifier
		}
		if cmd.Flags().Changed("description") {
			in["description"] = desc
		}
		return in
	}
	flags := func(c *cobra.Command) {
		c.Flags().StringVar(&config, "config", "", `triggerConfig JSON, e.g. '{"cronExpression":"@every 5m","enable":true}' or '{"authType":"anonymous","methods":["GET"]}'`)
		c.Flags().StringVar(&qualifier, "qualifier", "", "version or alias the trigger invokes (default LATEST)")
		c.Flags().StringVar(&desc, "description", "", "description")
	}
	create := cmdWith("create FUNCTION TRIGGER --type http|timer --config JSON", "Create a trigger", 2, func(cmd *cobra.Command, a []string) error {
		return e.op(cmd, "CreateTrigger", http.MethodPost, fnPath(a[0], "triggers"), nil, body(cmd, a[1]))
	})
	create.Flags().StringVar(&typ, "type", "http", "trigger type: http or timer")
	update := cmdWith("update FUNCTION TRIGGER", "Change a trigger", 2, func(cmd *cobra.Command, a []string) error {
		return e.op(cmd, "UpdateTrigger", http.MethodPut, fnPath(a[0], "triggers", a[1]), nil, body(cmd, ""))
	})
	flags(create)
	flags(update)
	cmd.AddCommand(create, update,
		cmdWith("get FUNCTION TRIGGER", "Show a trigger (HTTP triggers include their URL)", 2, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "GetTrigger", http.MethodGet, fnPath(a[0], "triggers", a[1]), nil, nil)
		}),
		cmdWith("list FUNCTION", "List a function's triggers", 1, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "ListTriggers", http.MethodGet, fnPath(a[0], "triggers"), url.Values{"limit": {"100"}}, nil)
		}),
		cmdWith("delete FUNCTION TRIGGER", "Delete a trigger", 2, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "DeleteTrigger", http.MethodDelete, fnPath(a[0], "triggers", a[1]), nil, nil)
		}))
	return cmd
}

func (e *env) layersCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "layers", Short: "Publish and manage layers (code shared under /opt)"}
	var runtimes []string
	var desc string
	publish := cmdWith("publish LAYER DIR", "Zip DIR and publish it as the layer's next version", 2, func(cmd *cobra.Command, a []string) error {
		zipped, err := blob.ZipDir(a[1])
		if err != nil {
			return fmt.Errorf("pack %s: %w", a[1], err)
		}
		in := fc.CreateLayerVersionInput{Code: &fc.InputCodeLocation{ZipFile: base64.StdEncoding.EncodeToString(zipped)},
			CompatibleRuntime: runtimes, Description: &desc}
		return e.op(cmd, "CreateLayerVersion", http.MethodPost, "/layers/"+client.PathEscape(a[0])+"/versions", nil, in)
	})
	publish.Flags().StringArrayVar(&runtimes, "runtime", nil, "a compatible runtime (repeatable; none: any)")
	publish.Flags().StringVar(&desc, "description", "", "description")
	layerPath := func(name string, rest ...string) string {
		p := "/layers/" + client.PathEscape(name)
		for _, r := range rest {
			p += "/" + client.PathEscape(r)
		}
		return p
	}
	cmd.AddCommand(publish,
		cmdWith("list", "List the account's layers (newest versions)", 0, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "ListLayers", http.MethodGet, "/layers", url.Values{"limit": {"100"}}, nil)
		}),
		cmdWith("versions LAYER", "List a layer's versions", 1, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "ListLayerVersions", http.MethodGet, layerPath(a[0], "versions"), url.Values{"limit": {"100"}}, nil)
		}),
		cmdWith("get LAYER VERSION", "Show a layer version", 2, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "GetLayerVersion", http.MethodGet, layerPath(a[0], "versions", a[1]), nil, nil)
		}),
		cmdWith("delete LAYER VERSION", "Delete a layer version", 2, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "DeleteLayerVersion", http.MethodDelete, layerPath(a[0], "versions", a[1]), nil, nil)
		}))
	return cmd
}

func (e *env) domainsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "domains", Short: "Custom domains: route host and path to functions"}
	var routes []string
	create := cmdWith("create DOMAIN --route PATH=FUNCTION[:QUALIFIER]", "Create a custom domain", 1, func(cmd *cobra.Command, a []string) error {
		var rs []map[string]any
		for _, r := range routes {
			path, target, ok := strings.Cut(r, "=")
			fn, q, _ := strings.Cut(target, ":")
			if !ok || fn == "" {
				return fmt.Errorf("--route %q: want PATH=FUNCTION[:QUALIFIER], e.g. /api/*=hello:prod", r)
			}
			route := map[string]any{"path": path, "functionName": fn}
			if q != "" {
				route["qualifier"] = q
			}
			rs = append(rs, route)
		}
		in := map[string]any{"domainName": a[0], "protocol": "HTTP", "routeConfig": map[string]any{"routes": rs}}
		return e.op(cmd, "CreateCustomDomain", http.MethodPost, "/custom-domains", nil, in)
	})
	create.Flags().StringArrayVar(&routes, "route", nil, "PATH=FUNCTION[:QUALIFIER] (repeatable)")
	cmd.AddCommand(create,
		cmdWith("get DOMAIN", "Show a custom domain", 1, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "GetCustomDomain", http.MethodGet, "/custom-domains/"+client.PathEscape(a[0]), nil, nil)
		}),
		cmdWith("list", "List custom domains", 0, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "ListCustomDomains", http.MethodGet, "/custom-domains", url.Values{"limit": {"100"}}, nil)
		}),
		cmdWith("delete DOMAIN", "Delete a custom domain", 1, func(cmd *cobra.Command, a []string) error {
			return e.op(cmd, "DeleteCustomDomain", http.MethodDelete, "/custom-domains/"+client.PathEscape(a[0]), nil, nil)
		}))
	return cmd
}
