package warmpath

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config shapes a run.
type Config struct {
	Clients []int         // closed-loop client counts, each measured for both paths
	Rounds  int           // alternating direct/Yun rounds per client count
	Round   time.Duration // length of one round
	Warmup  time.Duration // unrecorded load on each path first
	Payload string        // the event
	// MemoryMB and CPU size the instance. The default, 2 vCPUs, keeps the
	// instance's CPU quota from throttling it, so that it matches the
	// unconfined direct server; FC's default for 128 MB is 0.1 vCPU.
	MemoryMB int
	CPU      float64
	// Profile, when positive, runs Yun in this process afterwards with a CPU
	// profile for this long at the largest client count.
	Profile time.Duration
	// ServerArgs are extra `yun server` flags, e.g. to compare settings.
	ServerArgs []string
	// Refs are the reference proxies measured next to Yun (refKinds).
	Refs []string
}

// Defaults is the configuration of the committed report.
func Defaults() Config {
	return Config{Clients: []int{1, 16}, Rounds: 3, Round: 2 * time.Second, Warmup: time.Second,
		Payload: "ping", MemoryMB: 4096, CPU: 2, Profile: 5 * time.Second,
		Refs: []string{refL4, refProxy, refReverseProxy}}
}

// Flags registers the flags on fs with c's values as defaults.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.Func("clients", "comma-separated closed-loop client counts (default "+joinInts(c.Clients)+")", func(s string) error {
		v, err := parseInts(s)
		c.Clients = v
		return err
	})
	fs.IntVar(&c.Rounds, "rounds", c.Rounds, "alternating direct/Yun rounds per client count")
	fs.DurationVar(&c.Round, "round", c.Round, "length of one round")
	fs.DurationVar(&c.Warmup, "warmup", c.Warmup, "unrecorded load on each path first")
	fs.StringVar(&c.Payload, "payload", c.Payload, "the event sent")
	fs.IntVar(&c.MemoryMB, "memory", c.MemoryMB, "the function's memorySize, MB")
	fs.Float64Var(&c.CPU, "cpu", c.CPU, "the function's cpu, vCPUs")
	fs.DurationVar(&c.Profile, "profile", c.Profile, "CPU-profile an in-process node for this long afterwards (0: skip)")
	fs.Func("refs", "comma-separated reference proxies measured next to Yun: l4, proxy, reverseproxy, or none "+
		"(default "+strings.Join(c.Refs, ",")+")", func(s string) error {
		c.Refs = nil
		if s == "none" {
			return nil
		}
		for _, k := range strings.Split(s, ",") {
			c.Refs = append(c.Refs, strings.TrimSpace(k))
		}
		return nil
	})
	fs.Func("server-arg", "an extra `yun server` flag, e.g. -server-arg=--busy-poll=0 (repeatable)", func(v string) error {
		c.ServerArgs = append(c.ServerArgs, v)
		return nil
	})
}

// Validate names the first bad field.
func (c Config) Validate() error {
	switch {
	case len(c.Clients) == 0:
		return fmt.Errorf("warmpath: clients: none given")
	case c.Rounds < 1 || c.Rounds > 20:
		return fmt.Errorf("warmpath: rounds %d: want 1..20", c.Rounds)
	case c.Round < 100*time.Millisecond || c.Round > time.Minute:
		return fmt.Errorf("warmpath: round %v: want 100ms..1m", c.Round)
	case c.Warmup < 0 || c.Profile < 0 || c.Profile > time.Minute:
		return fmt.Errorf("warmpath: warmup %v and profile %v: want ≥ 0 and profile ≤ 1m", c.Warmup, c.Profile)
	}
	for i, k := range c.Refs {
		if refWhat(k) == "" || slices.Contains(c.Refs[:i], k) {
			return fmt.Errorf("warmpath: refs %q: want each of l4, proxy and reverseproxy at most once", k)
		}
	}
	for _, n := range c.Clients {
		if n < 1 || n > 200 {
			return fmt.Errorf("warmpath: clients %d: want 1..200", n)
		}
	}
	return nil
}

func (c Config) maxClients() int {
	m := 0
	for _, n := range c.Clients {
		m = max(m, n)
	}
	return m
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", f, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}
