package warmpath

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/internal/daemon"
)

// inProcess is a Yun node running inside the benchmark's own process, for
// CPU profiles of the server side.
type inProcess struct {
	endpoint string
	d        *daemon.Daemon
}

// startInProcess starts a node over a fresh data directory named name.
func startInProcess(env *harness.Env, name string) (*inProcess, error) {
	data := filepath.Join(env.Work, name+"-data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, fmt.Errorf("in-process node: %w", err)
	}
	d, err := daemon.New(daemon.Config{DataDir: data, Listen: "127.0.0.1:0", ClientConfigPath: "-",
		AdminAccessKeyID: harness.AccessKeyID, AdminAccessKeySecret: harness.AccessKeySecret})
	if err != nil {
		return nil, fmt.Errorf("in-process node: %w", err)
	}
	if err := d.Start(); err != nil {
		d.Shutdown(context.Background())
		return nil, fmt.Errorf("in-process node: %w", err)
	}
	return &inProcess{endpoint: d.Endpoint(), d: d}, nil
}

// stop shuts the node down, stopping its instances.
func (p *inProcess) stop(ctx context.Context) error { return p.d.Shutdown(ctx) }
