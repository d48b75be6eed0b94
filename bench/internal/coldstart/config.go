package coldstart

import (
	"flag"
	"time"
)

// Config is one run's parameters.
type Config struct {
	Starts   int           // cold starts per runtime and mode
	Bare     int           // hand-made boots per language
	Idle     int           // idle instances per runtime for the memory figure
	Burst    int           // concurrent starts per runtime for the creation rate
	MemoryMB int           // the functions' memorySize
	Refill   time.Duration // how long a pooled start may wait for its sandbox
}

// Defaults are the committed report's parameters.
func Defaults() Config {
	return Config{Starts: 200, Bare: 100, Idle: 10, Burst: 16, MemoryMB: 128, Refill: 60 * time.Second}
}

// Flags registers the parameters on fs.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.IntVar(&c.Starts, "starts", c.Starts, "cold starts per runtime, with and without the pool each")
	fs.IntVar(&c.Bare, "bare", c.Bare, "boots by hand per language")
	fs.IntVar(&c.Idle, "idle", c.Idle, "idle instances per runtime for the memory figure")
	fs.IntVar(&c.Burst, "burst", c.Burst, "concurrent starts per runtime for the creation rate")
	fs.IntVar(&c.MemoryMB, "memory", c.MemoryMB, "the functions' memorySize in MB")
}
