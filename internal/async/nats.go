package async

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// embeddedReady bounds how long the embedded server may take to start
// (recovering a large store after a crash included).
const embeddedReady = time.Minute

// connect reaches NATS: the external cluster at cfg.NATSURL, or an embedded
// server that it starts first (returned, so that Close can shut it down).
func connect(cfg *Config, log *slog.Logger) (*server.Server, *nats.Conn, error) {
	opts := []nats.Option{
		nats.Name("yun-async"),
		nats.MaxReconnects(-1),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Warn("nats asynchronous error", "err", err)
		}),
	}
	if cfg.NATSURL != "" {
		nc, err := nats.Connect(cfg.NATSURL, opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("connect to NATS at %s: %w", cfg.NATSURL, err)
		}
		return nil, nc, nil
	}
	ns, err := startEmbedded(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	nc, err := nats.Connect("", append(opts, nats.InProcessServer(ns))...)
	if err != nil {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, nil, fmt.Errorf("connect to the embedded NATS server: %w", err)
	}
	return ns, nc, nil
}

func startEmbedded(cfg *Config, log *slog.Logger) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "yun-async",
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		SyncAlways: cfg.SyncAlways,
		NoSigs:     true,
		DontListen: cfg.EmbeddedListen == "",
	}
	if cfg.EmbeddedListen != "" {
		host, port, _ := net.SplitHostPort(cfg.EmbeddedListen) // checked by Validate
		opts.Host = host
		opts.Port, _ = strconv.Atoi(port)
		if opts.Port == 0 {
			opts.Port = server.RANDOM_PORT
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS server in %s: %w", cfg.StoreDir, err)
	}
	ns.SetLoggerV2(natsLogger{log.With("component", "nats")}, false, false, false)
	ns.Start()
	if !ns.ReadyForConnections(embeddedReady) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("embedded NATS server in %s: %w", cfg.StoreDir, errors.New("not ready in time"))
	}
	return ns, nil
}

// natsLogger passes the embedded server's log to slog.
type natsLogger struct{ log *slog.Logger }

func (l natsLogger) Noticef(format string, v ...any) { l.log.Info(fmt.Sprintf(format, v...)) }
func (l natsLogger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l natsLogger) Fatalf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l natsLogger) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l natsLogger) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l natsLogger) Tracef(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
