package warmpath

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/workload"
)

// clientLabel marks the load generator's goroutines in the profile, so that
// the server side can be shown alone (pprof -tagignore).
const clientLabel = "side"

// profileResult is a CPU profile of the Yun path at the largest client count.
type profileResult struct {
	path       string // the .pprof file, under RawDir
	throughput float64
	flat, cum  string // `go tool pprof -top` of the server side
}

// runProfile starts Yun inside this process, loads it like the Yun rounds
// and records a CPU profile.
func runProfile(ctx context.Context, env *harness.Env, cfg Config) (*profileResult, error) {
	node, err := startInProcess(env, "warmpath-profile")
	if err != nil {
		return nil, err
	}
	defer node.stop(context.Background())
	c := harness.NewClient(node.endpoint, 4*cfg.maxClients())
	if !env.KeepLimits {
		harness.LiftLimits(ctx, c)
	}
	if _, err := deploy(ctx, env, c, cfg); err != nil {
		return nil, err
	}
	invoker, err := workload.NewInvoker(c.HTTPClient, node.endpoint, harness.AccessKeyID, harness.AccessKeySecret,
		functionName, []byte(cfg.Payload))
	if err != nil {
		return nil, err
	}
	do := invoker.Do
	clock := load.Clock{Origin: time.Now()}
	loop := load.ClosedLoop{Phase: "profile", Clock: clock, Workers: cfg.maxClients(), Duration: cfg.Profile}
	warm := loop
	warm.Duration = cfg.Warmup
	res := &profileResult{path: filepath.Join(env.RawDir(), "warmpath-cpu.pprof")}
	var samples []load.Sample
	err = withProfile(res.path, func() {
		pprof.Do(ctx, pprof.Labels(clientLabel, "client"), func(ctx context.Context) {
			warm.Run(ctx, do)
			samples = loop.Run(ctx, do)
		})
	})
	if err != nil {
		return nil, err
	}
	res.throughput = round{samples: samples, elapsed: span(samples)}.throughput()
	res.flat, res.cum = pprofTop(ctx, res.path, false), pprofTop(ctx, res.path, true)
	return res, nil
}

func withProfile(path string, f func()) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	f()
	pprof.StopCPUProfile()
	return out.Close()
}

// pprofTop runs `go tool pprof -top` on the server side of the profile.
func pprofTop(ctx context.Context, path string, cum bool) string {
	args := []string{"tool", "pprof", "-top", "-nodecount=20", "-tagignore=" + clientLabel + "=client"}
	if cum {
		args = append(args, "-cum")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", append(args, path)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Sprintf("go tool pprof failed: %v\n%s", err, out.String())
	}
	return out.String()
}
