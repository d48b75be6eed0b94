package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/yun-fc/yun/bench/internal/workload"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// helloDir is the function both roles deploy, relative to the repository.
const helloDir = "examples/hello-node"

// The functions of a run.
const (
	loadFunction  = "async-load"  // receives the async backlog
	probeFunction = "async-probe" // receives the sequential sync probe
)

// helloNode is examples/hello-node as a function named name.
func helloNode(repo, name string, concurrency, memoryMB int) (*fc.FunctionInput, error) {
	code, err := workload.ZipDir(filepath.Join(repo, helloDir))
	if err != nil {
		return nil, err
	}
	runtime, handler, timeout := "nodejs20", "index.handler", 10
	return &fc.FunctionInput{FunctionName: &name, Runtime: &runtime, Handler: &handler, MemorySize: &memoryMB,
		InstanceConcurrency: &concurrency, Timeout: &timeout, Code: &fc.InputCodeLocation{ZipFile: code}}, nil
}

// deploy creates the load and probe functions and invokes each once
// synchronously, so that no measured phase pays their cold start.
func deploy(ctx context.Context, c *client.Client, repo string, cfg Config) error {
	fns := []struct {
		name        string
		concurrency int
	}{{loadFunction, cfg.Concurrency}, {probeFunction, 1}}
	for _, f := range fns {
		in, err := helloNode(repo, f.name, f.concurrency, cfg.MemoryMB)
		if err != nil {
			return err
		}
		if _, err := c.CreateFunction(ctx, in); err != nil {
			return fmt.Errorf("create %s: %w", f.name, err)
		}
		if _, err := c.Invoke(ctx, f.name, client.InvokeOptions{Body: []byte(`{"name":"warm-up"}`)}); err != nil {
			return fmt.Errorf("warm up %s: %w", f.name, err)
		}
	}
	return nil
}
