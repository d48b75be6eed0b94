package probe

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
)

// Sources of instance figures.
const (
	SourceMetrics = "metrics"
	SourceProcess = "process tree"
	SourceNone    = "n/a"
)

// Config says what a Sampler watches.
type Config struct {
	PID        int    // the yun server process; 0 when it runs in this process
	MetricsURL string // e.g. endpoint + "/metrics"; "" to skip
	Clock      load.Clock
	// Interval between samples. Default 1s.
	Interval time.Duration
}

// Tick is one observation. Counters are cumulative since the Sampler
// started.
type Tick struct {
	At          time.Duration
	Instances   int            // -1 when unknown
	ByState     map[string]int // instances by state (metrics only)
	ColdStarts  int            // -1 when unknown
	YunCPU      time.Duration  // CPU time of the server process
	InstanceCPU time.Duration  // CPU time of its child processes, exited ones included
	SelfCPU     time.Duration  // CPU time of this process: the load generator and the probe
	ProbeCPU    time.Duration  // of which the probe's own samples took
	// MachineCPU is the busy CPU time of the whole machine, all cores, so
	// that what other processes took shows; -1 when unknown.
	MachineCPU time.Duration
}

// Sampler records Ticks on its own goroutine until Stop.
type Sampler struct {
	cfg      Config
	source   string
	families []string
	http     *http.Client
	cancel   context.CancelFunc
	done     chan struct{}

	mu       sync.Mutex
	ticks    []Tick
	base     tickBase
	probeCPU time.Duration // the samples' own CPU so far
}

// tickBase holds what cumulative figures are counted from.
type tickBase struct {
	cold     float64               // the cold-start counter at the first sample
	initial  map[int]bool          // children present at the first sample
	childCPU map[int]time.Duration // highest CPU seen per child, and at the first sample
	startCPU map[int]time.Duration
	yunCPU   time.Duration
	selfCPU  time.Duration
	machine  time.Duration
}

// Start takes a first sample, chooses the instance source and keeps
// sampling every Interval.
func Start(cfg Config) *Sampler {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sampler{cfg: cfg, http: &http.Client{Timeout: 2 * time.Second}, cancel: cancel, done: make(chan struct{})}
	s.source = s.chooseSource()
	s.sample()
	go s.loop(ctx)
	return s
}

// Source says where instance figures come from: SourceMetrics,
// SourceProcess or SourceNone.
func (s *Sampler) Source() string { return s.source }

// Families lists the metric families read (SourceMetrics only).
func (s *Sampler) Families() []string { return s.families }

// Latest is the most recent Tick.
func (s *Sampler) Latest() Tick {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ticks[len(s.ticks)-1]
}

// Stop takes a last sample, stops the goroutine and returns every Tick.
func (s *Sampler) Stop() []Tick {
	s.cancel()
	<-s.done
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ticks)
}

func (s *Sampler) loop(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.sample()
		}
	}
}

func (s *Sampler) chooseSource() string {
	if sc, ok := s.scrape(); ok && (sc.yun || sc.hasColdStarts || sc.byState != nil) {
		s.families = sc.families
		return SourceMetrics
	}
	if _, err := children("/proc", s.parent()); err == nil {
		return SourceProcess
	}
	return SourceNone
}

// parent is the process whose children are the instances.
func (s *Sampler) parent() int {
	if s.cfg.PID > 0 {
		return s.cfg.PID
	}
	return os.Getpid()
}

// scrape reads /metrics; false when there is none.
func (s *Sampler) scrape() (scrape, bool) {
	if s.cfg.MetricsURL == "" {
		return scrape{}, false
	}
	resp, err := s.http.Get(s.cfg.MetricsURL)
	if err != nil {
		return scrape{}, false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return scrape{}, false
	}
	return parseMetrics(string(b)), true
}

func pidString(pid int) string {
	if pid <= 0 {
		return "self"
	}
	return strconv.Itoa(pid)
}

// Between returns the change of the cold-start counter from the last tick
// at or before from to the last tick at or before to, and the highest
// instance count of the ticks in between; -1 when unknown.
func Between(ticks []Tick, from, to time.Duration) (coldStarts, maxInstances int) {
	coldStarts, maxInstances = -1, -1
	var first, last *Tick
	for i := range ticks {
		t := &ticks[i]
		switch {
		case t.At <= from:
			first = t
		case t.At <= to:
			last = t
			maxInstances = max(maxInstances, t.Instances)
		}
	}
	if first == nil || last == nil {
		return -1, maxInstances
	}
	if first.ColdStarts >= 0 && last.ColdStarts >= 0 {
		coldStarts = last.ColdStarts - first.ColdStarts
	}
	return coldStarts, maxInstances
}
