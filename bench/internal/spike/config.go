package spike

import (
	"flag"
	"fmt"
	"time"
)

// Config shapes a run.
type Config struct {
	Target      int           // provisioned instances
	Concurrency int           // the function's instanceConcurrency
	BaseFactor  float64       // baseline in flight = BaseFactor × Target × Concurrency
	OverFactor  float64       // overflow in flight = OverFactor × Target × Concurrency
	Phase       time.Duration // length of each phase
	Warmup      time.Duration // unjudged load at the baseline's in-flight count before the baseline
	ReadyWait   time.Duration // how long to wait for the provisioned instances
	SleepMs     int
	MemoryMB    int
	CPU         float64 // vCPUs; 0 lets Yun derive it from the memory
	Tolerance   float64 // allowed P95 at full load / baseline P95
}

// Defaults is the configuration of the committed report.
func Defaults() Config {
	return Config{Target: 2, Concurrency: 10, BaseFactor: 0.25, OverFactor: 2, Phase: 10 * time.Second, Warmup: 3 * time.Second,
		ReadyWait: time.Minute, SleepMs: 50, MemoryMB: 512, CPU: 0.5, Tolerance: 1.2}
}

// Flags registers the flags on fs with c's values as defaults.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.IntVar(&c.Target, "target", c.Target, "provisioned instances (PutProvisionConfig target)")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "the function's instanceConcurrency")
	fs.Float64Var(&c.BaseFactor, "base", c.BaseFactor, "baseline in flight, as a fraction of target×concurrency")
	fs.Float64Var(&c.OverFactor, "over", c.OverFactor, "overflow in flight, as a multiple of target×concurrency")
	fs.DurationVar(&c.Phase, "phase", c.Phase, "length of each phase")
	fs.DurationVar(&c.Warmup, "warmup", c.Warmup, "unjudged load at the baseline's in-flight count first (0: none)")
	fs.DurationVar(&c.ReadyWait, "ready-wait", c.ReadyWait, "how long to wait for the provisioned instances")
	fs.IntVar(&c.SleepMs, "sleep", c.SleepMs, "how long the handler waits, ms")
	fs.IntVar(&c.MemoryMB, "memory", c.MemoryMB, "the function's memorySize, MB")
	fs.Float64Var(&c.CPU, "cpu", c.CPU, "the function's cpu, vCPUs (0: Yun's default for the memory)")
	fs.Float64Var(&c.Tolerance, "tolerance", c.Tolerance, "allowed full-load P95 as a multiple of the baseline P95")
}

// Validate names the first bad field.
func (c Config) Validate() error {
	switch {
	case c.Target < 1 || c.Target > 50:
		return fmt.Errorf("spike: target %d: want 1..50", c.Target)
	case c.Concurrency < 1 || c.Concurrency > 200:
		return fmt.Errorf("spike: concurrency %d: want 1..200", c.Concurrency)
	case c.BaseFactor <= 0 || c.BaseFactor > 1 || c.OverFactor <= 1 || c.OverFactor > 10:
		return fmt.Errorf("spike: base %v and over %v: want 0 < base ≤ 1 < over ≤ 10", c.BaseFactor, c.OverFactor)
	case c.Phase < time.Second || c.Phase > 5*time.Minute || c.ReadyWait < time.Second ||
		c.Warmup < 0 || c.Warmup > time.Minute:
		return fmt.Errorf("spike: phase %v and ready-wait %v out of range", c.Phase, c.ReadyWait)
	case c.SleepMs < 0 || c.MemoryMB < 128 || c.Tolerance < 1:
		return fmt.Errorf("spike: sleep %d, memory %d, tolerance %v out of range", c.SleepMs, c.MemoryMB, c.Tolerance)
	}
	return nil
}

// inFlight is the number of closed-loop workers of each phase.
func (c Config) inFlight() []phase {
	full := c.Target * c.Concurrency
	return []phase{
		{name: phaseBase, workers: max(1, int(c.BaseFactor*float64(full)))},
		{name: phaseFull, workers: full},
		{name: phaseOver, workers: int(c.OverFactor * float64(full))},
	}
}

// phase is one step of load.
type phase struct {
	name    string
	workers int
}

// Phase names.
const (
	phaseWarmup = "warmup" // not judged
	phaseBase   = "baseline"
	phaseFull   = "provisioned-full"
	phaseOver   = "overflow"
)
