package cli

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/yun-fc/yun/internal/daemon"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/scheduler"
)

func (e *env) serverCommand() *cobra.Command {
	var cfg daemon.Config
	var logLevel string
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run a Yun node with embedded storage",
		Long: `Run a Yun node: the FC 3.0 API, the scheduler and the execution engine, with
metadata and code stored in the data directory. On first start it creates an
admin access key and writes a client config that the yun CLI picks up.

Environment: YUN_DATA_DIR, YUN_LISTEN, and on first start
YUN_ADMIN_ACCESS_KEY_ID / YUN_ADMIN_ACCESS_KEY_SECRET.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := noZeroScaling(cmd); err != nil {
				return err
			}
			cfg.DataDir = first(cfg.DataDir, e.getenv("YUN_DATA_DIR"))
			cfg.Listen = first(cfg.Listen, e.getenv("YUN_LISTEN"))
			cfg.AdminAccessKeyID = e.getenv("YUN_ADMIN_ACCESS_KEY_ID")
			cfg.AdminAccessKeySecret = e.getenv("YUN_ADMIN_ACCESS_KEY_SECRET")
			cfg.ClientConfigPath = first(cfg.ClientConfigPath, e.configPath, e.getenv("YUN_CONFIG"))
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return fmt.Errorf("--log-level %q: %w", logLevel, err)
			}
			cfg.Logger = slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			return daemon.Run(cmd.Context(), cfg, e.banner)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DataDir, "data-dir", "", "data directory (env YUN_DATA_DIR; default ~/.local/share/yun)")
	f.StringVar(&cfg.Listen, "listen", "", "API listen address (env YUN_LISTEN; default 127.0.0.1:9900)")
	f.StringVar(&cfg.Region, "region", "", "region name used in ARNs (default cn-yun)")
	f.StringVar(&cfg.PublicURL, "public-url", "", "base URL clients use to reach this node (default http://<listen>)")
	f.StringVar(&cfg.ClientConfigPath, "client-config", "", `where to write the CLI config ("-" for nowhere; default ~/.config/yun/config.json)`)
	f.StringVar(&cfg.KeepAlivePolicy, "keep-alive-policy", "", `how long idle instances are kept: yun (adaptive, pre-warms predicted calls), hybrid (ATC'20 histogram policy) or fixed:<duration> (default yun; fixed when only --keep-alive is given)`)
	f.DurationVar(&cfg.KeepAlive, "keep-alive", 0, "fixed keep-alive (default 5m); with --keep-alive-policy yun, the keep-alive of functions not learned yet")
	f.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long in-flight invocations may take to finish on SIGTERM")
	f.BoolVar(&cfg.UnsafeNoIsolation, "unsafe-no-isolation", false, "run Node.js, Python and custom instances WITHOUT a sandbox (trusted code only)")
	f.IntVar(&cfg.Prewarm.Node, "prewarm-nodejs", 1, "pre-warmed Node.js sandboxes kept ready (0: none unless demand asks)")
	f.IntVar(&cfg.Prewarm.Python, "prewarm-python", 1, "pre-warmed Python sandboxes kept ready (0: none unless demand asks)")
	f.IntVar(&cfg.Prewarm.Custom, "prewarm-custom", 1, "pre-built custom-runtime jails kept ready (0: none unless demand asks)")
	f.IntVar(&cfg.Prewarm.Max, "prewarm-max", process.DefaultPrewarmMax, "most pre-warmed sandboxes per runtime, recent cold-start demand included (0 with the three above: pre-warming off)")
	f.IntVar(&cfg.Prewarm.MemoryMB, "prewarm-memory-mb", process.DefaultPrewarmMemoryMB, "memory all pre-warmed sandboxes may hold together, in MB")
	f.StringSliceVar(&cfg.InstanceDeny, "instance-deny", nil, "IPv4 prefixes instances with internet access may not reach, e.g. your LAN: 10.0.0.0/8,192.168.0.0/16 (the host, other instances and 169.254.0.0/16 always are)")
	sc := &cfg.Scaling
	f.IntVar(&sc.MaxQueueLength, "max-queue-length", scheduler.DefaultMaxQueueLength, "requests that may wait for a slot per function version; beyond: 429 ResourceExhausted")
	f.DurationVar(&sc.MaxQueueWait, "max-queue-wait", scheduler.DefaultMaxQueueWait, "longest wait for a slot (never beyond the function's timeout); after it: 503 ResourceThrottled")
	f.IntVar(&sc.MaxInstances, "max-instances", scheduler.DefaultMaxInstances, "most instances of one function version on this node")
	f.Float64Var(&sc.StartRate, "start-rate", scheduler.DefaultStartRate, "instance creations per second on this node (token bucket)")
	f.IntVar(&sc.StartBurst, "start-burst", scheduler.DefaultStartBurst, "instance creations at once on this node (the bucket's size)")
	f.IntVar(&sc.MaxStarting, "max-starting", 0, "instances of one function version booting at once (0: the node's CPUs, at least 2)")
	f.Float64Var(&sc.TargetUtilization, "target-utilization", scheduler.DefaultTargetUtilization, "share of an instance's concurrency slots filled before a spare instance starts ahead of demand (1: none; e.g. 0.7 for runtimes that boot in seconds)")
	f.DurationVar(&cfg.BusyPoll, "busy-poll", 100*time.Microsecond, "how long a wait alone on a quiet node polls its socket before sleeping, to spare a thread's wake-up (0: never)")
	f.StringVar(&cfg.NATSURL, "nats-url", "", "external NATS JetStream cluster for async invocation (default: embedded, in the data dir)")
	f.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	return cmd
}

// banner tells the operator where Yun is and what to run next.
func (e *env) banner(d *daemon.Daemon) {
	cfgPath := d.ClientConfigPath()
	fmt.Fprintf(e.stdout, "Yun is running.\n  endpoint:   %s\n  account:    %s\n  access key: %s\n",
		d.Endpoint(), d.ClientConfig().AccountID, d.ClientConfig().AccessKeyID)
	if cfgPath != "" {
		fmt.Fprintf(e.stdout, "  CLI config: %s (the yun CLI on this machine uses it)\n", cfgPath)
	}
	fmt.Fprintf(e.stdout, "  isolation:  %s\n", d.Isolation())
	fmt.Fprintf(e.stdout, "\nNext, in another terminal:\n  yun deploy examples/hello-node --name hello --runtime nodejs20 --handler index.handler\n  yun invoke hello --data '{\"name\":\"Yun\"}'\n")
}

// zeroMeansDefault are the scaling flags whose zero value the scheduler
// reads as "the default": given explicitly, 0 is refused rather than
// silently turned into the default.
var zeroMeansDefault = []string{"max-queue-length", "max-queue-wait", "max-instances", "start-rate", "start-burst",
	"target-utilization"}

func noZeroScaling(cmd *cobra.Command) error {
	for _, name := range zeroMeansDefault {
		f := cmd.Flags().Lookup(name)
		if !f.Changed {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSuffix(f.Value.String(), "s"), 64); err == nil && v == 0 {
			return fmt.Errorf("--%s 0: must be above 0 (default %s)", name, f.DefValue)
		}
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d == 0 {
			return fmt.Errorf("--%s 0: must be above 0 (default %s)", name, f.DefValue)
		}
	}
	return nil
}
