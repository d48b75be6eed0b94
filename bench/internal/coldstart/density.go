package coldstart

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// idleMemory is what one idle instance of a runtime holds, averaged.
type idleMemory struct {
	runtime     string
	n           int
	cgroup, pss int64 // bytes per instance; 0 where not measured
	heap        int64 // WebAssembly: growth of Yun's own resident set per instance
}

// measureIdle starts n instances of c, invokes each once, lets them idle
// for a second and measures them.
func measureIdle(ctx context.Context, eng sandbox.Engine, c *runtimeCase, n, memoryMB int) (idleMemory, error) {
	m := idleMemory{runtime: c.runtime, n: n}
	runtime.GC()
	before := selfRSS()
	var insts []sandbox.Instance
	defer func() {
		for _, inst := range insts {
			inst.Stop(context.Background())
		}
	}()
	for range n {
		inst, err := eng.Start(ctx, c.spec(memoryMB))
		if err != nil {
			return m, fmt.Errorf("%s: %w", c.runtime, err)
		}
		insts = append(insts, inst)
		if _, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "idle", Body: []byte("{}")}); err != nil {
			return m, fmt.Errorf("%s: %w", c.runtime, err)
		}
	}
	time.Sleep(time.Second)
	for _, inst := range insts {
		if p, ok := inst.(*process.Instance); ok {
			mem := p.Memory()
			m.cgroup += mem.Cgroup / int64(n)
			m.pss += mem.PSS / int64(n)
		}
	}
	runtime.GC()
	if c.pool == "" {
		m.heap = max(selfRSS()-before, 0) / int64(n)
	}
	return m, nil
}

// selfRSS is the benchmark process's resident set (VmRSS) in bytes: with
// WebAssembly, instances live in it.
func selfRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// burst is a creation-rate measurement.
type burst struct {
	runtime string
	pooled  bool
	n       int
	wall    time.Duration
	hits    uint64
}

// measureBurst starts n instances of c at once and times until all are
// ready.
func measureBurst(ctx context.Context, eng sandbox.Engine, c *runtimeCase, n, memoryMB int) (burst, error) {
	b := burst{runtime: c.runtime, n: n}
	insts := make([]sandbox.Instance, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range n {
		wg.Go(func() { insts[i], errs[i] = eng.Start(ctx, c.spec(memoryMB)) })
	}
	wg.Wait()
	b.wall = time.Since(t0)
	for i, inst := range insts {
		if inst != nil {
			inst.Stop(context.Background())
		}
		if errs[i] != nil {
			return b, fmt.Errorf("%s burst: %w", c.runtime, errs[i])
		}
	}
	return b, nil
}
