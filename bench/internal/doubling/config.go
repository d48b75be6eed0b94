package doubling

import (
	"flag"
	"fmt"
	"time"
)

// Config shapes a run. The zero value is not usable; Defaults is.
type Config struct {
	StartRate, MaxRate float64       // req/s of the first and (at least) last ramp step
	Step               time.Duration // how long each ramp rate is held
	SteadyRate         float64       // req/s of the reference phase
	Warmup, Steady     time.Duration // unrecorded warm-up, then the reference phase, both at SteadyRate
	Concurrency        int           // the function's instanceConcurrency
	MemoryMB           int
	CPU                float64 // vCPUs; 0 lets Yun derive it from the memory
	SleepMs            int     // what the handler waits
	KeepAlive          time.Duration
	MaxInFlight        int     // generator bound on outstanding requests
	Tolerance          float64 // allowed P95 / steady P95
	// GenProcs is GOMAXPROCS of the benchmark process while it loads the
	// server: with one, the generator takes at most one core from Yun and
	// pays no cross-thread wake-ups per request.
	GenProcs int
	// ServerArgs are extra `yun server` flags, e.g. to compare scheduler
	// settings; the report lists them.
	ServerArgs []string
}

// Defaults is the configuration of the committed report.
func Defaults() Config {
	return Config{StartRate: 10, MaxRate: 1280, Step: 5 * time.Second, SteadyRate: 40,
		Warmup: 5 * time.Second, Steady: 10 * time.Second, Concurrency: 10, MemoryMB: 512, CPU: 0.5, SleepMs: 50,
		KeepAlive: 5 * time.Minute, MaxInFlight: 4096, Tolerance: 1.2, GenProcs: 1}
}

// Flags registers the configuration's flags on fs, with c's values as
// defaults.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.StartRate, "start", c.StartRate, "first ramp rate, req/s")
	fs.Float64Var(&c.MaxRate, "max", c.MaxRate, "the ramp doubles until it reaches this rate, req/s")
	fs.DurationVar(&c.Step, "step", c.Step, "how long each ramp rate is held")
	fs.Float64Var(&c.SteadyRate, "steady-rate", c.SteadyRate, "rate of the steady reference phase, req/s")
	fs.DurationVar(&c.Warmup, "warmup", c.Warmup, "unrecorded warm-up at the steady rate")
	fs.DurationVar(&c.Steady, "steady", c.Steady, "length of the steady reference phase")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "the function's instanceConcurrency")
	fs.IntVar(&c.MemoryMB, "memory", c.MemoryMB, "the function's memorySize, MB")
	fs.Float64Var(&c.CPU, "cpu", c.CPU, "the function's cpu, vCPUs (0: Yun's default for the memory)")
	fs.IntVar(&c.SleepMs, "sleep", c.SleepMs, "how long the handler waits, ms")
	fs.DurationVar(&c.KeepAlive, "keep-alive", c.KeepAlive, "yun server --keep-alive")
	fs.IntVar(&c.MaxInFlight, "max-inflight", c.MaxInFlight, "generator bound on outstanding requests")
	fs.IntVar(&c.GenProcs, "gen-procs", c.GenProcs, "GOMAXPROCS of the benchmark process during the load")
	fs.Func("server-arg", "an extra `yun server` flag, e.g. -server-arg=--prewarm-nodejs=4 (repeatable)", func(v string) error {
		c.ServerArgs = append(c.ServerArgs, v)
		return nil
	})
	fs.Float64Var(&c.Tolerance, "tolerance", c.Tolerance, "allowed per-second P95 as a multiple of the steady P95")
}

// Validate names the first bad field.
func (c Config) Validate() error {
	switch {
	case c.StartRate <= 0 || c.MaxRate < c.StartRate:
		return fmt.Errorf("doubling: start %v and max %v: want 0 < start <= max", c.StartRate, c.MaxRate)
	case c.MaxRate > 100_000:
		return fmt.Errorf("doubling: max %v: at most 100000 req/s", c.MaxRate)
	case c.Step < time.Second || c.Steady < time.Second || c.Warmup < 0:
		return fmt.Errorf("doubling: step %v and steady %v must be at least 1s, warmup %v not negative", c.Step, c.Steady, c.Warmup)
	case c.SteadyRate <= 0:
		return fmt.Errorf("doubling: steady-rate %v: must be positive", c.SteadyRate)
	case c.Concurrency < 1 || c.MemoryMB < 128 || c.SleepMs < 0 || c.MaxInFlight < 1 || c.Tolerance < 1 ||
		c.GenProcs < 1:
		return fmt.Errorf("doubling: concurrency %d, memory %d, sleep %d, max-inflight %d, tolerance %v out of range",
			c.Concurrency, c.MemoryMB, c.SleepMs, c.MaxInFlight, c.Tolerance)
	}
	return nil
}
