package async

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	// setupTimeout bounds creating the stream and the bucket.
	setupTimeout = 30 * time.Second
	// flushTimeout bounds sending the last acks when closing.
	flushTimeout = 5 * time.Second
)

// errShutdown is the cause of an execution abandoned by Close.
var errShutdown = errors.New("async service shutting down")

// Service accepts, stores and runs async invocations; see the package doc.
type Service struct {
	cfg     Config
	inv     Invoker
	configs ConfigSource
	log     *slog.Logger
	now     func() time.Time // the clock; tests move it

	ns      *server.Server // nil with an external cluster
	nc      *nats.Conn
	js      jetstream.JetStream
	stream  jetstream.Stream
	tasks   *taskStore
	hook    *webhook
	running *runningSet

	// pullCtx ends when Close starts: workers stop fetching. abortCtx ends
	// when Close's deadline passes: executions are abandoned.
	pullCtx  context.Context
	stopPull context.CancelFunc
	abortCtx context.Context
	abort    context.CancelCauseFunc

	loops sync.WaitGroup // workers and the scanner
	execs sync.WaitGroup // executions; Added only by workers

	// mu guards started, closing, workers and every worker's poked.
	mu      sync.Mutex
	started bool
	closing bool
	workers map[fnRef]*worker
	stopSub *nats.Subscription

	closeDone chan struct{}
	closeErr  error
}

// New connects to NATS (starting the embedded server when cfg.NATSURL is
// empty) and makes sure the stream and the task bucket exist. Submit works
// at once; invocations run once Start is called. inv runs them and configs
// gives their async configuration.
func New(cfg Config, inv Invoker, configs ConfigSource, log *slog.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	ns, nc, err := connect(&cfg, log)
	if err != nil {
		return nil, err
	}
	s := &Service{
		cfg: cfg, inv: inv, configs: configs, log: log, now: time.Now, ns: ns, nc: nc,
		hook:    newWebhook(&cfg),
		running: newRunningSet(),
		workers: make(map[fnRef]*worker), closeDone: make(chan struct{}),
	}
	s.pullCtx, s.stopPull = context.WithCancel(context.Background())
	s.abortCtx, s.abort = context.WithCancelCause(context.Background())
	if err := s.setup(); err != nil {
		s.closeConn()
		return nil, err
	}
	return s, nil
}

func (s *Service) setup() error {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	js, err := jetstream.New(s.nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	stream, err := js.CreateOrUpdateStream(ctx, streamConfig(&s.cfg))
	if err != nil {
		return fmt.Errorf("stream %s: %w", streamName, err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, bucketConfig(&s.cfg))
	if err != nil {
		return fmt.Errorf("bucket %s: %w", bucketName, err)
	}
	s.js, s.stream, s.tasks = js, stream, &taskStore{kv: kv}
	return nil
}

// Start begins executing: it listens for stop requests, and consumes every
// function that has queued invocations (those accepted before a restart
// included), then keeps looking for more every ScanInterval. ctx bounds only
// the start itself. Calling Start again does nothing.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return closedError()
	}
	if s.started {
		return nil
	}
	sub, err := s.nc.Subscribe(stopSubject, func(m *nats.Msg) { s.running.cancel(string(m.Data), errStopRequested) })
	if err != nil {
		return fmt.Errorf("subscribe to stop requests: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, setupTimeout) // Flush needs a deadline
	defer cancel()
	if err := s.nc.FlushWithContext(ctx); err != nil {
		_ = sub.Unsubscribe()
		return fmt.Errorf("subscribe to stop requests: %w", err)
	}
	s.stopSub, s.started = sub, true
	s.loops.Go(s.scanLoop)
	return nil
}

// Close stops taking submissions and fetching, waits for the executions in
// progress to finish, and shuts the connection (and the embedded server)
// down. When ctx ends first, the executions are cancelled and their messages
// handed back to JetStream to run again later; Close then returns ctx's
// error. Close is idempotent: later calls wait for the first and return its
// result.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		<-s.closeDone
		return s.closeErr
	}
	s.closing = true
	s.mu.Unlock()
	s.stopPull()
	s.loops.Wait() // no worker is left to start an execution
	s.closeErr = s.drain(ctx)
	if s.stopSub != nil {
		_ = s.stopSub.Unsubscribe()
	}
	s.closeConn()
	s.abort(errShutdown) // release the context; nothing runs any more
	close(s.closeDone)
	return s.closeErr
}

// drain waits for the executions in progress, abandoning them once ctx ends.
func (s *Service) drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.execs.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.abort(errShutdown)
		<-done
		return fmt.Errorf("async: drain: %w", ctx.Err())
	}
}

func (s *Service) closeConn() {
	if err := s.nc.FlushTimeout(flushTimeout); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		s.log.Warn("acks not flushed before closing; their messages come back and are skipped", "err", err)
	}
	s.nc.Close()
	if s.ns != nil {
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
	}
}

func (s *Service) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}
