package async

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// Defaults for the zero fields of a Config.
const (
	DefaultMaxConcurrencyPerFunction = 10
	DefaultMaxPendingPerFunction     = 1000
	DefaultMaxQueuedPerFunction      = 100_000
	DefaultAckWait                   = 30 * time.Second
	DefaultRetryBase                 = time.Second
	DefaultRetryMax                  = 5 * time.Minute
	DefaultTaskRetention             = 7 * 24 * time.Hour // FC keeps async task records for 7 days
	DefaultScanInterval              = 10 * time.Second
	DefaultWebhookTimeout            = 10 * time.Second
	DefaultWebhookAttempts           = 3
	DefaultRegion                    = "cn-yun"
	DefaultReplicas                  = 1
)

// Config tunes the async service. The zero value is not usable only because
// an embedded server needs StoreDir; every other zero field takes its default.
type Config struct {
	// NATSURL is the address of an external NATS cluster with JetStream
	// (nats://host:4222[,nats://…]). Empty runs an embedded server.
	NATSURL string
	// StoreDir is where the embedded server keeps its JetStream store.
	// Required when NATSURL is empty.
	StoreDir string
	// EmbeddedListen, when set, makes the embedded server also listen on this
	// host:port (port 0 picks a free one) for NATS tools. Empty: the server has
	// no listener and Yun reaches it in-process.
	EmbeddedListen string
	// SyncAlways makes the embedded server fsync every write before it
	// acknowledges it, so that an accepted invocation also survives a power
	// loss. Off, writes reach the OS before the acknowledgement (they survive
	// a crash or SIGKILL of Yun) and are fsynced every two minutes.
	SyncAlways bool
	// Replicas of the stream and the task bucket in an external cluster.
	// Default 1.
	Replicas int
	// Region appears in the function ARNs of task records and destination
	// records. Default cn-yun (as the API's).
	Region string
	// MaxConcurrencyPerFunction bounds the async executions of one function
	// running at once on this node, so that async load cannot take every
	// instance slot from sync callers. Default 10.
	MaxConcurrencyPerFunction int
	// MaxPendingPerFunction bounds the messages of one function that are
	// delivered but not yet finished, retries waiting for their backoff
	// included (the consumer's MaxAckPending). Default 1000.
	MaxPendingPerFunction int
	// MaxQueuedPerFunction bounds the accepted invocations of one function
	// not yet finished (queued, running or waiting to retry): beyond it a
	// submission is refused with 429 until some finish, so that one function
	// cannot fill the node's disk. Default 100,000.
	MaxQueuedPerFunction int
	// AckWait is how long a message may go without news from its executor
	// before JetStream delivers it again; running executions report progress
	// every AckWait/3. Default 30s, at least 1s.
	AckWait time.Duration
	// RetryBase and RetryMax shape the exponential backoff between attempts:
	// RetryBase doubling up to RetryMax, with jitter. Defaults 1s and 5m.
	RetryBase time.Duration
	RetryMax  time.Duration
	// TaskRetention is how long a task record is kept after its last change.
	// Default 7 days.
	TaskRetention time.Duration
	// ScanInterval is how often the node looks for functions with queued
	// invocations that it is not yet consuming (submitted on another node, or
	// before a restart). Default 10s.
	ScanInterval time.Duration
	// WebhookTimeout bounds one POST to an http(s) destination; a delivery
	// makes up to WebhookAttempts of them. Defaults 10s and 3.
	WebhookTimeout  time.Duration
	WebhookAttempts int
}

// Validate reports the first field that holds a bad value.
func (c *Config) Validate() error {
	switch {
	case c.NATSURL == "" && c.StoreDir == "":
		return fmt.Errorf("async config: StoreDir is required for the embedded server (or set NATSURL)")
	case c.NATSURL != "" && c.EmbeddedListen != "":
		return fmt.Errorf("async config: EmbeddedListen %q: only for the embedded server, but NATSURL is set", c.EmbeddedListen)
	case c.Replicas < 0 || c.Replicas > 5:
		return fmt.Errorf("async config: Replicas %d: want 1-5", c.Replicas)
	case c.MaxConcurrencyPerFunction < 0:
		return fmt.Errorf("async config: MaxConcurrencyPerFunction %d: must not be negative", c.MaxConcurrencyPerFunction)
	case c.MaxPendingPerFunction < 0:
		return fmt.Errorf("async config: MaxPendingPerFunction %d: must not be negative", c.MaxPendingPerFunction)
	case c.MaxQueuedPerFunction < 0:
		return fmt.Errorf("async config: MaxQueuedPerFunction %d: must not be negative", c.MaxQueuedPerFunction)
	case c.AckWait != 0 && c.AckWait < time.Second:
		return fmt.Errorf("async config: AckWait %v: must be at least 1s", c.AckWait)
	case c.RetryBase < 0 || c.RetryMax < 0:
		return fmt.Errorf("async config: RetryBase %v, RetryMax %v: must not be negative", c.RetryBase, c.RetryMax)
	case c.RetryBase > 0 && c.RetryMax > 0 && c.RetryMax < c.RetryBase:
		return fmt.Errorf("async config: RetryMax %v: must not be below RetryBase %v", c.RetryMax, c.RetryBase)
	case c.TaskRetention < 0 || c.ScanInterval < 0 || c.WebhookTimeout < 0:
		return fmt.Errorf("async config: TaskRetention %v, ScanInterval %v, WebhookTimeout %v: must not be negative",
			c.TaskRetention, c.ScanInterval, c.WebhookTimeout)
	case c.WebhookAttempts < 0:
		return fmt.Errorf("async config: WebhookAttempts %d: must not be negative", c.WebhookAttempts)
	}
	return c.validateListen()
}

func (c *Config) validateListen() error {
	if c.EmbeddedListen == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(c.EmbeddedListen)
	if err != nil {
		return fmt.Errorf("async config: EmbeddedListen %q: %w", c.EmbeddedListen, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("async config: EmbeddedListen %q: bad port", c.EmbeddedListen)
	}
	return nil
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	setDefault(&c.Replicas, DefaultReplicas)
	setDefault(&c.Region, DefaultRegion)
	setDefault(&c.MaxConcurrencyPerFunction, DefaultMaxConcurrencyPerFunction)
	setDefault(&c.MaxPendingPerFunction, DefaultMaxPendingPerFunction)
	setDefault(&c.MaxQueuedPerFunction, DefaultMaxQueuedPerFunction)
	setDefault(&c.AckWait, DefaultAckWait)
	setDefault(&c.RetryBase, DefaultRetryBase)
	setDefault(&c.RetryMax, max(DefaultRetryMax, c.RetryBase))
	setDefault(&c.TaskRetention, DefaultTaskRetention)
	setDefault(&c.ScanInterval, DefaultScanInterval)
	setDefault(&c.WebhookTimeout, DefaultWebhookTimeout)
	setDefault(&c.WebhookAttempts, DefaultWebhookAttempts)
	return c
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
