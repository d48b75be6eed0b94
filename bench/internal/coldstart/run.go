package coldstart

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/wasm"
)

// results is everything one run measured.
type results struct {
	cfg     Config
	cases   []runtimeCase
	samples []sample
	bare    map[string][]sample // by language label; system = e2e = boot time
	idle    []idleMemory
	bursts  []burst
	python  string // the interpreter the Python runtime maps to
	node    string
}

// engines are the engines of one run: the process engine without and with
// pre-warmed sandboxes, and WebAssembly.
type engines struct {
	off, on *process.Engine
	wasm    *wasm.Engine
}

func newEngines(dir string) (*engines, error) {
	log := slog.New(slog.DiscardHandler)
	var e engines
	var err error
	if e.off, err = process.New(process.Config{RunDir: filepath.Join(dir, "off"), Logger: log}); err != nil {
		return nil, fmt.Errorf("process engine (the sandbox needs root): %w", err)
	}
	// One of each kind ready, at most one: the run waits for the refill.
	e.on, err = process.New(process.Config{RunDir: filepath.Join(dir, "on"), Logger: log,
		Prewarm: process.Prewarm{Node: 1, Python: 1, Custom: 1, Max: 1}})
	if err != nil {
		return nil, err
	}
	e.wasm, err = wasm.New(wasm.Config{RunDir: filepath.Join(dir, "wasm-run"), CacheDir: filepath.Join(dir, "wasm-cache"), Logger: log})
	if err != nil {
		e.on.Close(context.Background())
		return nil, err
	}
	return &e, nil
}

func (e *engines) close() error {
	ctx := context.Background()
	return errors.Join(e.on.Close(ctx), e.off.Close(ctx), e.wasm.Close(ctx))
}

// Run measures and writes docs/benchmarks/coldstart.{md,svg} and the raw
// starts to raw/coldstart-starts.csv.
func Run(ctx context.Context, env *harness.Env, cfg Config) error {
	dir := filepath.Join(env.Work, "coldstart")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	eng, err := newEngines(dir)
	if err != nil {
		return err
	}
	defer eng.close()
	r := &results{cfg: cfg, bare: map[string][]sample{}, node: eng.off.NodePath(), python: eng.off.PythonPath()}
	if r.cases, err = functions(ctx, env.Repo, dir, eng.off); err != nil {
		return err
	}
	for i := range r.cases {
		if err := r.coldStarts(ctx, env, eng, &r.cases[i]); err != nil {
			return err
		}
	}
	if err := r.bareBoots(ctx, env); err != nil {
		return err
	}
	if err := r.density(ctx, env, eng); err != nil {
		return err
	}
	path, err := env.Write(harness.Output{Name: "coldstart", Report: r.report(env), SVG: r.chart()})
	if err != nil {
		return err
	}
	if err := r.writeCSV(filepath.Join(env.RawDir(), "coldstart-starts.csv")); err != nil {
		return err
	}
	env.Logf("wrote %s", path)
	return nil
}

// coldStarts measures c's cold starts, alternating between the engines
// without and with the pool, after one unmeasured start of each.
func (r *results) coldStarts(ctx context.Context, env *harness.Env, eng *engines, c *runtimeCase) error {
	env.Logf("%s: %d cold starts per mode", c.label, r.cfg.Starts)
	if c.pool == "" {
		for i := -1; i < r.cfg.Starts; i++ {
			s, err := coldStart(ctx, eng.wasm, c, r.cfg.MemoryMB)
			if err != nil {
				return err
			}
			if i >= 0 {
				r.samples = append(r.samples, s)
			}
		}
		return nil
	}
	for i := -1; i < r.cfg.Starts; i++ {
		if err := awaitPool(ctx, eng.on, "", r.cfg.Refill); err != nil {
			return err
		}
		off, err := coldStart(ctx, eng.off, c, r.cfg.MemoryMB)
		if err != nil {
			return err
		}
		if err := awaitPool(ctx, eng.on, c.pool, r.cfg.Refill); err != nil {
			return err
		}
		hits := poolOf(eng.on, c.pool).Hits
		on, err := coldStart(ctx, eng.on, c, r.cfg.MemoryMB)
		if err != nil {
			return err
		}
		on.pooled, on.hit = true, poolOf(eng.on, c.pool).Hits > hits
		if i >= 0 {
			r.samples = append(r.samples, off, on)
		}
	}
	return nil
}

// bareBoots boots node and python by hand.
func (r *results) bareBoots(ctx context.Context, env *harness.Env) error {
	for _, b := range []struct {
		label string
		argv  []string
	}{{"Node.js", []string{r.node, "-e", bareNode}}, {"Python", []string{r.python, "-c", barePython}}} {
		if b.argv[0] == "" {
			continue
		}
		env.Logf("%s by hand: %d boots", b.label, r.cfg.Bare)
		for range r.cfg.Bare {
			d, err := bareBoot(ctx, b.argv)
			if err != nil {
				return err
			}
			r.bare[b.label] = append(r.bare[b.label], sample{system: d, e2e: d})
		}
	}
	return nil
}

// density measures idle memory and burst creation rates.
func (r *results) density(ctx context.Context, env *harness.Env, eng *engines) error {
	env.Logf("idle memory and creation rate")
	for i := range r.cases {
		c := &r.cases[i]
		var e sandbox.Engine = eng.off
		if c.pool == "" {
			e = eng.wasm
		}
		m, err := measureIdle(ctx, e, c, r.cfg.Idle, r.cfg.MemoryMB)
		if err != nil {
			return err
		}
		r.idle = append(r.idle, m)
		b, err := measureBurst(ctx, e, c, r.cfg.Burst, r.cfg.MemoryMB)
		if err != nil {
			return err
		}
		r.bursts = append(r.bursts, b)
		if c.pool == "" {
			continue
		}
		if err := awaitPool(ctx, eng.on, c.pool, r.cfg.Refill); err != nil {
			return err
		}
		hits := poolOf(eng.on, c.pool).Hits
		b, err = measureBurst(ctx, eng.on, c, r.cfg.Burst, r.cfg.MemoryMB)
		if err != nil {
			return err
		}
		b.pooled, b.hits = true, poolOf(eng.on, c.pool).Hits-hits
		r.bursts = append(r.bursts, b)
	}
	return nil
}
