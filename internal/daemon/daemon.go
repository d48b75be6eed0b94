// Package daemon is Yun's composition root: it turns a Config into running
// components — store, code store and cache, execution engine, scheduler, API —
// starts them in that order and stops them in reverse.
//
// Data directory layout:
//
//	meta.db      bbolt metadata (accounts, keys, functions)
//	code/        code packages by checksum
//	cache/code/  unpacked code packages (rebuilt at will)
//	run/         instance scratch directories (cleared at start)
package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/yun-fc/yun/internal/api"
	"github.com/yun-fc/yun/internal/async"
	"github.com/yun-fc/yun/internal/blob"
	blobfs "github.com/yun-fc/yun/internal/blob/fs"
	"github.com/yun-fc/yun/internal/busypoll"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/front"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/wasm"
	"github.com/yun-fc/yun/internal/scheduler"
	"github.com/yun-fc/yun/internal/store"
	"github.com/yun-fc/yun/internal/store/bolt"
	"github.com/yun-fc/yun/internal/trigger"
)

// Daemon is one running Yun node.
type Daemon struct {
	cfg       Config
	store     store.Store
	api       *api.Server
	async     *async.Service
	timers    *trigger.Scheduler
	cache     *blob.Cache
	wasm      *wasm.Engine
	proc      *process.Engine  // nil where process runtimes are disabled
	isolation string           // how instances are isolated, for the banner
	poller    *busypoll.Poller // the node's busy polling (Config.BusyPoll); nil: none
	sched     *scheduler.Scheduler
	http      *front.Server
	listener  net.Listener
	adminKey  *store.AccessKey
	served    chan error
	closeOnce sync.Once
	closeErr  error
}

// New opens the data directory and builds every component. Nothing listens
// until Start.
func New(cfg Config) (*Daemon, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("daemon: data dir: %w", err)
	}
	st, err := bolt.Open(filepath.Join(cfg.DataDir, "meta.db"))
	if err != nil {
		return nil, fmt.Errorf("daemon: %w", err)
	}
	d, err := assemble(cfg, st)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("daemon: %w", err)
	}
	return d, nil
}

// assemble builds the components on an open store.
func assemble(cfg Config, st store.Store) (*Daemon, error) {
	d := &Daemon{cfg: cfg, store: st, poller: busypoll.New(cfg.BusyPoll)}
	var err error
	if d.adminKey, err = ensureAdmin(context.Background(), st, &cfg); err != nil {
		return nil, err
	}
	blobs, err := blobfs.New(filepath.Join(cfg.DataDir, "code"))
	if err != nil {
		return nil, err
	}
	if d.cache, err = blob.NewCache(filepath.Join(cfg.DataDir, "cache", "code"), blobs, cfg.CodeCacheBytes, blob.Limits{}, cfg.Logger); err != nil {
		return nil, err
	}
	keepAlive, err := scheduler.ParseKeepAlivePolicy(cfg.KeepAlivePolicy, cfg.KeepAlive)
	if err != nil {
		return nil, err
	}
	engine, err := d.engines()
	if err != nil {
		return nil, err
	}
	metrics := newRegistry()
	if d.proc != nil {
		metrics.MustRegister(poolMetrics{d.proc})
	}
	schedCfg := cfg.Scaling
	schedCfg.KeepAlive, schedCfg.KeepAlivePolicy = cfg.KeepAlive, keepAlive
	schedCfg.NodeMemoryMB, schedCfg.Metrics = nodeMemoryMB(), metrics
	if d.sched, err = scheduler.New(schedCfg, engine, d.cache, cfg.Logger); err != nil {
		d.closeEngines(context.Background())
		return nil, err
	}
	handler := api.New(api.Config{Region: cfg.Region, PublicURL: cfg.PublicURL},
		api.Deps{Store: st, Blobs: blobs, Scheduler: d.sched, Runtimes: engine.Runtimes(), Logger: cfg.Logger})
	d.api = handler
	if err := handler.RestoreScaling(context.Background()); err != nil {
		d.sched.Close(context.Background())
		d.closeEngines(context.Background())
		return nil, err
	}
	d.sched.StartProvisioning(handler) // stopped first by sched.Close
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", api.MetricsHandler(metrics))
	mux.Handle("/", handler)
	d.http = &front.Server{HTTP: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, Poller: d.poller}
	return d, nil
}

// closeEngines stops the execution engines (the process engine's
// pre-warmed sandboxes, the wasm runtime) when the daemon cannot start.
func (d *Daemon) closeEngines(ctx context.Context) {
	if d.proc != nil {
		d.proc.Close(ctx)
	}
	d.wasm.Close(ctx)
}

// newRegistry is the node's Prometheus registry: the scheduler's metrics
// and the Go runtime's and the process's.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Start starts the async service, listens and serves in the background,
// then writes the CLI's config.
func (d *Daemon) Start() error {
	if err := d.startAsync(); err != nil {
		return err
	}
	if err := d.startTimers(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", d.cfg.Listen)
	if err != nil {
		return fmt.Errorf("daemon: listen: %w", err)
	}
	d.listener = ln
	d.served = make(chan error, 1)
	go func() { d.served <- d.http.Serve(ln) }()
	if err := d.writeClientConfig(); err != nil {
		return err
	}
	d.cfg.Logger.Info("yun listening", "endpoint", d.Endpoint(), "dataDir", d.cfg.DataDir)
	return nil
}

// Endpoint is the API's base URL.
func (d *Daemon) Endpoint() string {
	if d.cfg.PublicURL != "" {
		return d.cfg.PublicURL
	}
	addr := d.cfg.Listen
	if d.listener != nil {
		addr = d.listener.Addr().String()
	}
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// ClientConfig is what the local CLI needs to talk to this node as admin.
func (d *Daemon) ClientConfig() *client.Config {
	return &client.Config{Endpoint: d.Endpoint(), AccessKeyID: d.adminKey.ID,
		AccessKeySecret: d.adminKey.Secret, AccountID: d.adminKey.AccountID}
}

// ClientConfigPath is where the CLI config was written, or "".
func (d *Daemon) ClientConfigPath() string {
	switch d.cfg.ClientConfigPath {
	case "-":
		return ""
	case "":
		return client.DefaultConfigPath()
	}
	return d.cfg.ClientConfigPath
}

func (d *Daemon) writeClientConfig() error {
	path := d.ClientConfigPath()
	if path == "" {
		return nil
	}
	if err := d.ClientConfig().Save(path); err != nil {
		return fmt.Errorf("daemon: write client config: %w", err)
	}
	return nil
}

// Shutdown stops accepting requests, lets in-flight invocations finish until
// ctx is done, stops every instance, then closes the code cache and the
// store. Idempotent.
func (d *Daemon) Shutdown(ctx context.Context) error {
	d.closeOnce.Do(func() {
		var errs []error
		if d.listener != nil {
			if err := d.http.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("http shutdown: %w", err))
				d.http.Close()
			}
			if err := <-d.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
		if d.timers != nil {
			d.timers.Close()
		}
		if d.async != nil {
			if err := d.async.Close(ctx); err != nil {
				errs = append(errs, fmt.Errorf("async: %w", err))
			}
		}
		if err := d.sched.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("scheduler: %w", err))
		}
		if d.proc != nil { // after the scheduler stopped its instances
			errs = append(errs, d.proc.Close(ctx))
		}
		errs = append(errs, d.wasm.Close(ctx), d.cache.Close(), d.store.Close())
		d.closeErr = errors.Join(errs...)
	})
	return d.closeErr
}

// Run starts a node, reports it on banner, serves until ctx is done and then
// shuts down within the configured timeout.
func Run(ctx context.Context, cfg Config, banner func(*Daemon)) error {
	d, err := New(cfg)
	if err != nil {
		return err
	}
	if err := d.Start(); err != nil {
		d.Shutdown(context.Background())
		return err
	}
	if banner != nil {
		banner(d)
	}
	select {
	case <-ctx.Done():
	case err := <-d.served:
		d.served <- err
	}
	d.cfg.Logger.Info("yun shutting down", "timeout", d.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), d.cfg.ShutdownTimeout)
	defer cancel()
	return d.Shutdown(sctx)
}
