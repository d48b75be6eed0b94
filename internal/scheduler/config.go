package scheduler

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for the zero fields of a Config.
const (
	DefaultKeepAlive      = 5 * time.Minute // FC reclaims idle instances after 3–5 minutes
	DefaultMaxQueueLength = 1000
	DefaultMaxQueueWait   = 30 * time.Second
	DefaultMaxInstances   = 100
	DefaultStartRate      = 50 // instance creations per second
	DefaultStartBurst     = 20
	// DefaultTargetUtilization is the share of an on-demand instance's
	// slots that demand fills before the pool starts another: all of them,
	// so instances start for requests that would otherwise wait and no
	// spare starts ahead. With cold starts served from pre-warmed sandboxes
	// in milliseconds, spares cost more than the wait they save: their
	// boots take CPU from the instances serving a surge (RATIONALE.md,
	// Elasticity). Knative's container-concurrency-target-percentage is 70%.
	DefaultTargetUtilization = 1.0
	// DefaultAccountInstanceQuota is FC's default instance quota of one
	// account in one region (fc3-api.md §9).
	DefaultAccountInstanceQuota = 100
)

// DefaultMaxStarting is the default of Config.MaxStarting: the node's CPUs,
// at least 2. A runtime's boot is CPU-bound (a sandboxed Node.js instance
// took about 0.2 CPU-seconds on the benchmark machine), so as many boots as
// cores already use every core; more only share the same CPU among more
// boots and delay each.
func DefaultMaxStarting() int {
	return max(2, runtime.NumCPU())
}

// Config tunes the scheduler. The zero value is usable: every zero field takes
// its default.
type Config struct {
	// KeepAlive is how long an idle on-demand instance is kept before it is
	// stopped. Default 5m.
	KeepAlive time.Duration
	// MaxQueueLength bounds the requests waiting for a slot, per Key. A
	// request beyond it is refused at once (429 ResourceExhausted).
	// Default 1000.
	MaxQueueLength int
	// MaxQueueWait bounds how long a request waits for a slot (503
	// ResourceThrottled after it). A request never waits longer than its
	// Target.Timeout either. Default 30s.
	MaxQueueWait time.Duration
	// MaxInstances caps the instances of one Key, including starting and
	// draining ones. Default 100.
	MaxInstances int
	// StartRate and StartBurst shape a token bucket that limits instance
	// creations on this node, across all functions: StartRate per second,
	// StartBurst at once. Defaults 50 and 20.
	StartRate  float64
	StartBurst int
	// MaxStarting caps the instances of one Key starting at once; the pool
	// starts more as those become ready or fail. Booting runtimes is
	// CPU-bound: dozens at once on a few cores starve the instances already
	// serving and make every boot slow. Default: the CPUs of the node
	// (runtime.NumCPU), at least 2.
	MaxStarting int
	// TargetUtilization, in (0, 1], is the share of an on-demand
	// instance's instanceConcurrency slots that in-flight and queued
	// requests may fill before the pool starts another instance ahead of
	// demand: desired = ceil(demand / floor(slots × TargetUtilization)),
	// at least one slot. 1 starts instances only for requests that would
	// otherwise queue. Provisioned instances are filled to all their slots
	// first. The spare instances are on-demand ones, reclaimed by the
	// KeepAlivePolicy once idle. Default 1: no spares; 0.7 suits runtimes
	// whose instances start slowly (seconds).
	TargetUtilization float64
	// KeepAlivePolicy decides when idle on-demand instances are reclaimed.
	// Default FixedKeepAlive(KeepAlive).
	KeepAlivePolicy KeepAlivePolicy
	// AccountInstanceQuota caps the instances of one account on this node,
	// across its functions. Default 100, as FC's per-region quota.
	AccountInstanceQuota int
	// NodeMemoryMB is the memory the node lends to instances; each instance
	// reserves its function's memorySize. 0 means unlimited. The daemon
	// sets it from the machine's memory.
	NodeMemoryMB int
	// Metrics, when not nil, receives the scheduler's Prometheus metrics
	// (see metrics.go). Nil records none.
	Metrics prometheus.Registerer
}

// Validate reports the first field that holds a bad value.
func (c *Config) Validate() error {
	switch {
	case c.KeepAlive < 0:
		return fmt.Errorf("scheduler config: KeepAlive %v: must not be negative", c.KeepAlive)
	case c.MaxQueueLength < 0:
		return fmt.Errorf("scheduler config: MaxQueueLength %d: must not be negative", c.MaxQueueLength)
	case c.MaxQueueWait < 0:
		return fmt.Errorf("scheduler config: MaxQueueWait %v: must not be negative", c.MaxQueueWait)
	case c.MaxInstances < 0:
		return fmt.Errorf("scheduler config: MaxInstances %d: must not be negative", c.MaxInstances)
	case c.StartRate < 0 || math.IsNaN(c.StartRate) || math.IsInf(c.StartRate, 0):
		return fmt.Errorf("scheduler config: StartRate %v: must be a finite number not below zero", c.StartRate)
	case c.StartBurst < 0:
		return fmt.Errorf("scheduler config: StartBurst %d: must not be negative", c.StartBurst)
	case c.MaxStarting < 0:
		return fmt.Errorf("scheduler config: MaxStarting %d: must not be negative", c.MaxStarting)
	case c.TargetUtilization < 0 || c.TargetUtilization > 1 || math.IsNaN(c.TargetUtilization):
		return fmt.Errorf("scheduler config: TargetUtilization %v: must be in (0, 1] (0 for the default)", c.TargetUtilization)
	case c.AccountInstanceQuota < 0:
		return fmt.Errorf("scheduler config: AccountInstanceQuota %d: must not be negative", c.AccountInstanceQuota)
	case c.NodeMemoryMB < 0:
		return fmt.Errorf("scheduler config: NodeMemoryMB %d: must not be negative", c.NodeMemoryMB)
	}
	return nil
}

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.MaxQueueLength == 0 {
		c.MaxQueueLength = DefaultMaxQueueLength
	}
	if c.MaxQueueWait == 0 {
		c.MaxQueueWait = DefaultMaxQueueWait
	}
	if c.MaxInstances == 0 {
		c.MaxInstances = DefaultMaxInstances
	}
	if c.StartRate == 0 {
		c.StartRate = DefaultStartRate
	}
	if c.StartBurst == 0 {
		c.StartBurst = DefaultStartBurst
	}
	if c.MaxStarting == 0 {
		c.MaxStarting = DefaultMaxStarting()
	}
	if c.TargetUtilization == 0 {
		c.TargetUtilization = DefaultTargetUtilization
	}
	if c.KeepAlivePolicy == nil {
		c.KeepAlivePolicy = FixedKeepAlive(c.KeepAlive)
	}
	if c.AccountInstanceQuota == 0 {
		c.AccountInstanceQuota = DefaultAccountInstanceQuota
	}
	return c
}
