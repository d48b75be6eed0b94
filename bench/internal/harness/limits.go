package harness

import (
	"context"
	"fmt"
	"net/http"

	"github.com/yun-fc/yun/internal/client"
)

// benchLimits are the admin account's flow-control limits during a
// benchmark: high enough that Yun's per-account throttling (by default
// 1,000 req/s and 1,000 invocations in flight) does not cap what is
// measured. The instance quota is left at the node's default.
var benchLimits = map[string]any{"requestsPerSecond": 1e6, "burst": 1_000_000, "maxConcurrentRequests": 100_000}

// LiftLimits raises the admin account's limits through Yun's admin API and
// says what it did, for the report. A server without that API keeps its
// defaults; that is reported, not fatal.
func LiftLimits(ctx context.Context, c *client.Client) string {
	var list struct {
		Accounts []struct {
			ID    string `json:"id"`
			Admin bool   `json:"admin"`
		} `json:"accounts"`
	}
	op := client.Op{Action: "ListAccounts", Method: http.MethodGet, Path: "/accounts", Prefix: client.AdminPrefix}
	if err := c.Do(ctx, op, nil, &list); err != nil {
		return fmt.Sprintf("the node's default flow-control limits (raising them failed: %v)", err)
	}
	for _, a := range list.Accounts {
		if !a.Admin {
			continue
		}
		op := client.Op{Action: "UpdateAccount", Method: http.MethodPut, Path: "/accounts/" + client.PathEscape(a.ID),
			Prefix: client.AdminPrefix}
		if err := c.Do(ctx, op, map[string]any{"limits": benchLimits}, nil); err != nil {
			return fmt.Sprintf("the node's default flow-control limits (raising them failed: %v)", err)
		}
		return "the admin account's flow-control limits raised to 1,000,000 req/s (burst 1,000,000) and 100,000 " +
			"invocations in flight, so that Yun's per-account throttling does not cap the measurement " +
			"(`-keep-limits` keeps the node's defaults)"
	}
	return "the node's default flow-control limits (no admin account found to raise them on)"
}
