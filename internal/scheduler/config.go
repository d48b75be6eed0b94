package scheduler

import (
	"fmt"
	"math"
	"time"
)

// Defaults for the zero fields of a Config.
const (
	DefaultKeepAlive      = 5 * time.Minute // FC reclaims idle instances after 3–5 minutes
	DefaultMaxQueueLength = 1000
	DefaultMaxQueueWait   = 30 * time.Second
	DefaultMaxInstances   = 100
	DefaultStartRate      = 50 // instance creations per second
	DefaultStartBurst     = 20
)

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
	return c
}
