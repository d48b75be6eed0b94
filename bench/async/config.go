package main

import (
	"flag"
	"fmt"
	"time"
)

// Config shapes a run. The zero value is not usable; Defaults is.
type Config struct {
	Tasks        int           // async invocations submitted
	Clients      int           // concurrent submitting clients
	Concurrency  int           // the load function's instanceConcurrency
	MemoryMB     int           // both functions' memorySize
	ProbeEvery   time.Duration // interval of the sequential sync probe
	Baseline     time.Duration // probe-only phase before the backlog
	After        time.Duration // probe-only phase after the drain
	SubmitLimit  time.Duration // bound on the submission phase
	DrainLimit   time.Duration // bound on the wait for every task to end
	PollEvery    time.Duration // interval of the drain's progress polls
	PollSample   int           // tasks read with GetAsyncTask per poll
	RequestLimit time.Duration // bound on any one request
}

// Defaults is the configuration of the committed report.
func Defaults() Config {
	return Config{Tasks: 5000, Clients: 16, Concurrency: 10, MemoryMB: 128, ProbeEvery: 20 * time.Millisecond,
		Baseline: 10 * time.Second, After: 10 * time.Second, SubmitLimit: 5 * time.Minute,
		DrainLimit: 10 * time.Minute, PollEvery: time.Second, PollSample: 16, RequestLimit: 30 * time.Second}
}

// Flags registers the configuration's flags on fs, with c's values as
// defaults.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.IntVar(&c.Tasks, "tasks", c.Tasks, "async invocations to submit")
	fs.IntVar(&c.Clients, "clients", c.Clients, "concurrent submitting clients")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "the load function's instanceConcurrency")
	fs.IntVar(&c.MemoryMB, "memory", c.MemoryMB, "both functions' memorySize, MB")
	fs.DurationVar(&c.ProbeEvery, "probe-every", c.ProbeEvery, "interval of the sequential sync probe")
	fs.DurationVar(&c.Baseline, "baseline", c.Baseline, "probe-only phase before the backlog")
	fs.DurationVar(&c.After, "after", c.After, "probe-only phase after the drain")
	fs.DurationVar(&c.SubmitLimit, "submit-limit", c.SubmitLimit, "bound on the submission phase")
	fs.DurationVar(&c.DrainLimit, "drain-limit", c.DrainLimit, "bound on the wait for every task to end")
	fs.DurationVar(&c.PollEvery, "poll-every", c.PollEvery, "interval of the drain's progress polls")
	fs.IntVar(&c.PollSample, "poll-sample", c.PollSample, "tasks read with GetAsyncTask per progress poll")
}

// Validate names the first bad field.
func (c Config) Validate() error {
	switch {
	case c.Tasks < 1 || c.Tasks > 1_000_000:
		return fmt.Errorf("tasks %d: want 1..1000000", c.Tasks)
	case c.Clients < 1 || c.Clients > 1024:
		return fmt.Errorf("clients %d: want 1..1024", c.Clients)
	case c.Concurrency < 1 || c.Concurrency > 200:
		return fmt.Errorf("concurrency %d: want 1..200", c.Concurrency)
	case c.MemoryMB < 128:
		return fmt.Errorf("memory %d: want at least 128", c.MemoryMB)
	case c.ProbeEvery < time.Millisecond:
		return fmt.Errorf("probe-every %v: want at least 1ms", c.ProbeEvery)
	case c.Baseline < time.Second || c.After < time.Second:
		return fmt.Errorf("baseline %v and after %v: want at least 1s each", c.Baseline, c.After)
	case c.SubmitLimit < time.Second || c.DrainLimit < time.Second:
		return fmt.Errorf("submit-limit %v and drain-limit %v: want at least 1s each", c.SubmitLimit, c.DrainLimit)
	case c.PollEvery < 100*time.Millisecond || c.PollSample < 1:
		return fmt.Errorf("poll-every %v and poll-sample %d: want at least 100ms and 1", c.PollEvery, c.PollSample)
	}
	return nil
}
