package warmpath

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/probe"
	"github.com/yun-fc/yun/bench/internal/workload"
	"github.com/yun-fc/yun/internal/client"
)

// functionName is the function the run deploys.
const functionName = "bench-echo-port"

// The ways to the instance besides the reference proxies (refKinds).
const (
	pathDirect = "direct"
	pathYun    = "yun"
)

// Where "direct" goes.
const (
	modeSameInstance = "the same instance Yun invokes, on its runtime port"
	modeNetns        = "the same instance Yun invokes, on its runtime port inside the instance's own network " +
		"namespace (the benchmark dials from inside it, as the process engine does)"
	modeByHand = "the same echo-port server started by hand as a plain, unconfined process on a loopback port " +
		"(Yun's instance port was not reachable from the host, nor its network namespace enterable)"
)

// target is one way to invoke the function, and where its CPU goes.
type target struct {
	do  load.Do
	cpu *cpuMeter
}

// result is everything a run measured.
type result struct {
	cfg        Config
	mode       string
	port       string // the instance's port, as it answered through Yun
	directPort string // where the direct path went
	netnsPID   int    // a process in the instance's network namespace, when the direct path dials inside it
	limits     string // the flow-control limits in force
	rounds     []round
	signCost   signCosts
	profile    *profileResult // nil when not taken
}

// Run measures and writes docs/benchmarks/warmpath.{md,svg} and the raw CSV.
func Run(ctx context.Context, env *harness.Env, cfg *Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	r, err := measure(ctx, env, *cfg)
	if err != nil {
		return err
	}
	if cfg.Profile > 0 {
		env.Logf("profiling an in-process node for %v", cfg.Profile)
		if r.profile, err = runProfile(ctx, env, *cfg); err != nil {
			return err
		}
	}
	path, err := env.Write(r.output(env))
	if err != nil {
		return err
	}
	env.Logf("wrote %s", path)
	return nil
}

func measure(ctx context.Context, env *harness.Env, cfg Config) (*result, error) {
	env.Logf("building yun and starting a server")
	srv, err := env.StartServer(ctx, harness.ServerConfig{Name: "warmpath", Args: cfg.ServerArgs})
	if err != nil {
		return nil, err
	}
	defer srv.Stop(30 * time.Second)
	c := harness.NewClient(srv.Endpoint, 4*cfg.maxClients())
	port, err := deploy(ctx, env, c, cfg)
	if err != nil {
		return nil, err
	}
	r := &result{cfg: cfg, port: port, limits: srv.Limits}
	d, directCPU, stop, err := r.findDirect(ctx, env, srv.PID)
	if err != nil {
		return nil, err
	}
	defer stop()
	invoker, err := workload.NewInvoker(c.HTTPClient, srv.Endpoint, harness.AccessKeyID, harness.AccessKeySecret,
		functionName, []byte(cfg.Payload))
	if err != nil {
		return nil, err
	}
	paths := []string{pathDirect, pathYun}
	targets := map[string]target{
		pathDirect: {do: d.do, cpu: directCPU},
		pathYun:    {do: invoker.Do, cpu: &cpuMeter{middlePID: srv.PID, yunPID: srv.PID, extraPID: directCPU.extraPID}},
	}
	for _, kind := range cfg.Refs {
		ref, err := startReference(ctx, kind, "127.0.0.1:"+r.directPort, r.netnsPID)
		if err != nil {
			return nil, err
		}
		defer ref.stop()
		rd := newDirect(ref.port, []byte(cfg.Payload), 4*cfg.maxClients(), nil)
		if !rd.reaches(ctx, r.port) {
			return nil, fmt.Errorf("the %s reference proxy does not reach the instance", kind)
		}
		paths = append(paths, kind)
		targets[kind] = target{do: rd.do, cpu: &cpuMeter{middlePID: ref.pid(), yunPID: srv.PID, extraPID: directCPU.extraPID}}
	}
	if r.rounds, err = runRounds(ctx, env, cfg, paths, targets); err != nil {
		return nil, err
	}
	r.signCost = measureSignCosts(srv.Endpoint, invoker, []byte(cfg.Payload))
	return r, srv.Stop(30 * time.Second)
}

// findDirect chooses the direct path: the instance's port from the host;
// else the same port inside the instance's network namespace; else a
// hand-started copy of the server. stop ends what it started.
func (r *result) findDirect(ctx context.Context, env *harness.Env, yunPID int) (d *direct, cpu *cpuMeter, stop func(), err error) {
	conns, payload := 4*r.cfg.maxClients(), []byte(r.cfg.Payload)
	cpu, stop = &cpuMeter{yunPID: yunPID}, func() {}
	r.mode, r.directPort = modeSameInstance, r.port
	if d = newDirect(r.port, payload, conns, nil); d.reaches(ctx, r.port) {
		return d, cpu, stop, nil
	}
	// Yun's children are the instance and, with pre-warmed sandboxes,
	// sandboxes waiting for code: the instance is the one that answers.
	kids, _ := probe.Children(yunPID)
	for _, kid := range kids {
		r.mode, r.netnsPID = modeNetns, kid
		if d = newDirect(r.port, payload, conns, netnsDial(kid)); d.reaches(ctx, r.port) {
			return d, cpu, stop, nil
		}
	}
	hand, err := startByHand(env.Repo, filepath.Join(env.Work, "byhand-home"))
	if err != nil {
		return nil, nil, nil, err
	}
	d = newDirect(hand.port, payload, conns, nil)
	if err := hand.await(ctx, d); err != nil {
		hand.stop()
		return nil, nil, nil, err
	}
	r.mode, r.directPort, r.netnsPID = modeByHand, hand.port, 0
	return d, &cpuMeter{yunPID: yunPID, extraPID: hand.pid()}, hand.stop, nil
}

// deploy creates the echo-port function and returns the port its first
// instance answers with.
func deploy(ctx context.Context, env *harness.Env, c *client.Client, cfg Config) (string, error) {
	fn, err := workload.EchoPort(env.Repo, functionName, cfg.maxClients(), workload.Size{MemoryMB: cfg.MemoryMB, CPU: cfg.CPU})
	if err != nil {
		return "", err
	}
	if _, err := c.CreateFunction(ctx, fn); err != nil {
		return "", fmt.Errorf("warmpath: deploy: %w", err)
	}
	res, err := c.Invoke(ctx, functionName, client.InvokeOptions{Body: []byte("ping")})
	if err != nil {
		return "", fmt.Errorf("warmpath: first invocation: %w", err)
	}
	if res.ErrorType != "" {
		return "", fmt.Errorf("warmpath: first invocation: %s: %s", res.ErrorType, res.Body)
	}
	return string(res.Body), nil
}
