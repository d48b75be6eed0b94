package daemon

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/yun-fc/yun/internal/async"
)

// startAsync starts the async invocation service — an embedded NATS
// JetStream whose store lives in {data}/async, or the external cluster at
// Config.NATSURL — and connects it to the API, which is also its invoker.
func (d *Daemon) startAsync() error {
	cfg := async.Config{NATSURL: d.cfg.NATSURL, StoreDir: filepath.Join(d.cfg.DataDir, "async"), Region: d.cfg.Region}
	svc, err := async.New(cfg, d.api.AsyncInvoker(), d.api.AsyncConfigs(), d.cfg.Logger)
	if err != nil {
		return fmt.Errorf("daemon: async: %w", err)
	}
	if err := svc.Start(context.Background()); err != nil {
		svc.Close(context.Background())
		return fmt.Errorf("daemon: async: %w", err)
	}
	d.async = svc
	d.api.SetAsync(svc)
	return nil
}
