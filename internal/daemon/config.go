package daemon

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/process/egress"
	"github.com/yun-fc/yun/internal/scheduler"
)

// Config configures a Yun node. The zero value plus a DataDir is usable;
// Validate fills the documented defaults.
type Config struct {
	// DataDir holds metadata, code and instance scratch space.
	// Default $YUN_DATA_DIR, else $XDG_DATA_HOME/yun, else ~/.local/share/yun.
	DataDir string
	// Listen is the API's address. Default 127.0.0.1:9900 (loopback only).
	Listen string
	// Region appears in ARNs. Default cn-yun.
	Region string
	// PublicURL is how clients reach the API, if not http://<Listen>.
	PublicURL string
	// AdminAccessKeyID/Secret, when set on first start, become the admin
	// key instead of a generated one (as MinIO's root credentials).
	AdminAccessKeyID     string
	AdminAccessKeySecret string
	// ClientConfigPath is where the CLI's config is written: endpoint and
	// admin keys. Default client.DefaultConfigPath(); "-" writes none.
	ClientConfigPath string
	// KeepAlivePolicy decides how long idle on-demand instances stay:
	// "fixed:<duration>", "fixed" (KeepAlive), "hybrid" or "yun" (see
	// scheduler.ParseKeepAlivePolicy). Default "yun", or "fixed" when only
	// KeepAlive is set.
	KeepAlivePolicy string
	// KeepAlive is the fixed keep-alive (default 5m) and, with the "yun"
	// policy, the keep-alive of functions it has not learned yet (default:
	// the policy's own).
	KeepAlive time.Duration
	// ShutdownTimeout bounds how long in-flight invocations may take to
	// finish on SIGTERM. Default 30s.
	ShutdownTimeout time.Duration
	// CodeCacheBytes bounds the unpacked code cache. Default 2 GiB.
	CodeCacheBytes int64
	// UnsafeNoIsolation runs process instances as plain child processes,
	// without namespaces, seccomp or cgroups. Only for trusted code, or hosts
	// that cannot isolate.
	UnsafeNoIsolation bool
	// Scaling holds the scheduler's tunables: queue bounds, instance caps,
	// the creation rate and headroom (see scheduler.Config; zero fields take
	// the scheduler's defaults). KeepAlive, KeepAlivePolicy, NodeMemoryMB
	// and Metrics in it are ignored: the daemon sets those itself.
	Scaling scheduler.Config
	// InstanceDeny are IPv4 prefixes that instances with internet access may
	// not reach, besides the host, other instances and link-local (the
	// cloud metadata service), which are always denied: the operator's LAN
	// or VPC, e.g. 10.0.0.0/8.
	InstanceDeny []string
	// Prewarm sizes the pools of pre-warmed sandboxes of the process engine
	// (a Node.js or Python runtime booted ahead, a custom runtime's jail
	// built ahead), which take most of a cold start's cost off the request.
	// The zero value keeps none; `yun server` keeps one of each by default.
	Prewarm process.Prewarm
	// BusyPoll is how long a wait alone on a quiet node polls its socket
	// before it sleeps: an instance's answer, a client's next request on
	// its connection (package busypoll). Zero never polls; `yun server`
	// polls for 100 µs by default.
	BusyPoll time.Duration
	// NATSURL points async invocation at an external NATS JetStream
	// cluster; empty runs an embedded server storing into {DataDir}/async.
	NATSURL string
	Logger  *slog.Logger
}

// DefaultDataDir is the data directory used when none is configured.
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "yun")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "yun")
	}
	return filepath.Join(home, ".local", "share", "yun")
}

// Validate fills defaults and checks the values.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir()
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:9900"
	}
	if c.Region == "" {
		c.Region = "cn-yun"
	}
	if c.KeepAlivePolicy == "" {
		c.KeepAlivePolicy = "yun"
		if c.KeepAlive != 0 {
			c.KeepAlivePolicy = "fixed"
		}
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.CodeCacheBytes == 0 {
		c.CodeCacheBytes = 2 << 30
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("daemon: Listen %q: %w", c.Listen, err)
	}
	if (c.AdminAccessKeyID == "") != (c.AdminAccessKeySecret == "") {
		return fmt.Errorf("daemon: AdminAccessKeyID and AdminAccessKeySecret must be given together")
	}
	if c.KeepAlive < 0 || c.ShutdownTimeout < 0 || c.CodeCacheBytes < 0 || c.BusyPoll < 0 {
		return fmt.Errorf("daemon: KeepAlive %v, ShutdownTimeout %v, CodeCacheBytes %d and BusyPoll %v must not be negative",
			c.KeepAlive, c.ShutdownTimeout, c.CodeCacheBytes, c.BusyPoll)
	}
	if _, err := scheduler.ParseKeepAlivePolicy(c.KeepAlivePolicy, c.KeepAlive); err != nil {
		return fmt.Errorf("daemon: KeepAlivePolicy: %w", err)
	}
	if err := (egress.Config{Deny: c.InstanceDeny}).Validate(); err != nil {
		return fmt.Errorf("daemon: InstanceDeny: %w", err)
	}
	if err := c.Scaling.Validate(); err != nil {
		return fmt.Errorf("daemon: Scaling: %w", err)
	}
	return nil
}
