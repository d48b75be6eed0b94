package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// Scheduler gives requests instance slots; see the package doc.
type Scheduler struct {
	cfg       Config
	keepAlive KeepAlivePolicy
	// keepAliveFor overrides keepAlive by function (SetKeepAlivePolicy);
	// guarded by mu.
	keepAliveFor map[string]KeepAlivePolicy
	engine       sandbox.Engine
	code         CodeSource
	log          *slog.Logger
	limiter      startLimiter
	capacity     *capacity
	metrics      *metrics // nil records nothing
	group        group

	// rebalanceCh wakes the rebalancer (see rebalance.go); provisionCh
	// wakes the provisioning loop (see reconcile.go).
	rebalanceCh chan struct{}
	provisionCh chan struct{}
	// stopProvisioning is closed when Close begins: the provisioning loop
	// ends before requests drain, so no new instance is provisioned.
	stopProvisioning chan struct{}

	// shutdown is closed when Close stops the instances: waiters give up,
	// instance goroutines stop their sandboxes.
	shutdown chan struct{}
	// startCtx is cancelled with shutdown, to abandon starts in progress.
	startCtx    context.Context
	cancelStart context.CancelFunc

	idPrefix string
	idSeq    atomic.Uint64

	mu       sync.Mutex
	pools    map[string]*pool // by Key; retired pools are removed
	closing  bool
	active   int           // admitted Invoke calls still running
	drained  chan struct{} // closed once closing and active == 0
	finished chan struct{} // closed when Close has completed
}

// New returns a Scheduler that starts instances with eng and their code from
// code. It fails if cfg does not validate.
func New(cfg Config, eng sandbox.Engine, code CodeSource, log *slog.Logger) (*Scheduler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	s := &Scheduler{
		cfg: cfg, keepAlive: cfg.KeepAlivePolicy, engine: eng, code: code, log: log,
		limiter:  startLimiter{b: newTokenBucket(cfg.StartRate, cfg.StartBurst)},
		capacity: newCapacity(cfg), rebalanceCh: make(chan struct{}, 1), provisionCh: make(chan struct{}, 1),
		stopProvisioning: make(chan struct{}),
		shutdown:         make(chan struct{}), idPrefix: "c-" + randomHex(4) + "-",
		pools: make(map[string]*pool), drained: make(chan struct{}), finished: make(chan struct{}),
	}
	var err error
	if s.metrics, err = newMetrics(cfg.Metrics, s); err != nil {
		return nil, err
	}
	s.startCtx, s.cancelStart = context.WithCancel(context.Background())
	s.group.Go(s.rebalancer)
	return s, nil
}

// Invoke runs inv on an instance of t, starting one if none has a free slot.
// See the package doc for the errors it returns. A Result with a Stream
// keeps its slot (and counts as admitted for Close) until the caller closes
// the Stream, which the caller must do.
func (s *Scheduler) Invoke(ctx context.Context, t *Target, inv *sandbox.Invocation) (*sandbox.Result, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	p, err := s.admit(t)
	if err != nil {
		return nil, err
	}
	held := false // a streamed result holds its slot, and the admission, until closed
	defer func() {
		if !held {
			s.leave()
		}
	}()
	begin := time.Now()
	res, err := s.invoke(ctx, p, t, inv)
	s.metrics.invoked(t.Function, time.Since(begin), res, err)
	held = err == nil && res.Stream != nil
	return res, err
}

// invoke takes a slot, runs inv on it and gives the slot back.
func (s *Scheduler) invoke(ctx context.Context, p *pool, t *Target, inv *sandbox.Invocation) (*sandbox.Result, error) {
	queued := time.Now()
	p, in, err := s.acquire(ctx, p, t)
	s.metrics.waited(t.Function, time.Since(queued))
	if err != nil {
		return nil, err
	}
	res, err := in.sb.Invoke(ctx, inv)
	if err == nil && res != nil && res.Stream != nil {
		res.Stream = &heldStream{ReadCloser: res.Stream, release: func(healthy bool) {
			p.release(in, healthy)
			s.leave()
		}}
		return res, nil
	}
	p.release(in, res != nil && !res.Broken) // with ctx's error too: see sandbox.Instance
	if err != nil {
		return nil, fmt.Errorf("function %s: instance %s: %w", t.Function, in.id, err)
	}
	if res == nil {
		return nil, fmt.Errorf("function %s: instance %s: engine returned no result", t.Function, in.id)
	}
	return res, nil
}

// heldStream is a streamed Result's body: its instance slot is released
// when it is closed, healthy unless the engine reports the exchange broke
// the instance.
type heldStream struct {
	io.ReadCloser
	release func(healthy bool)
	once    sync.Once
}

func (h *heldStream) Close() error {
	err := h.ReadCloser.Close()
	h.once.Do(func() {
		b, ok := h.ReadCloser.(sandbox.BrokenReporter)
		h.release(!ok || !b.Broken())
	})
	return err
}

// admit counts an Invoke call in, unless the scheduler is closing, and
// returns the pool of t.Key.
func (s *Scheduler) admit(t *Target) (*pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, closed()
	}
	s.active++
	return s.poolLocked(t), nil
}

// leave counts an Invoke call out.
func (s *Scheduler) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	if s.closing && s.active == 0 {
		close(s.drained)
	}
}

// acquire takes a slot in p, or in the pool that replaced p if p was retired
// meanwhile.
func (s *Scheduler) acquire(ctx context.Context, p *pool, t *Target) (*pool, *instance, error) {
	for {
		in, err := p.acquire(ctx)
		if !errors.Is(err, errRetired) {
			return p, in, err
		}
		s.mu.Lock()
		p = s.poolLocked(t)
		s.mu.Unlock()
	}
}

// poolLocked returns the pool of t.Key, making it if needed.
func (s *Scheduler) poolLocked(t *Target) *pool {
	p := s.pools[t.Key]
	if p == nil {
		p = newPool(s, t)
		s.pools[t.Key] = p
	}
	return p
}

// SetReservedConcurrency caps the instances of function (all its Keys,
// provisioned and on-demand, starting, ready and draining) at n; a request
// that needs an instance beyond the cap is refused at once (see
// ErrReservedConcurrency). A cap below the function's instances stops the
// excess (enforceCap); 0 blocks the function at once, queued requests
// included. A negative n removes the cap.
func (s *Scheduler) SetReservedConcurrency(function string, n int) {
	s.capacity.setReserved(function, n)
	if n >= 0 {
		s.enforceCap(function, n)
	}
	s.rebalanceSoon() // pools held back by the old cap may start now
}

// SetAccountInstanceQuota sets how many instances account may hold on this
// node (its Limits.MaxInstances); n <= 0 restores Config.AccountInstanceQuota.
func (s *Scheduler) SetAccountInstanceQuota(account string, n int) {
	s.capacity.setQuota(account, n)
	s.rebalanceSoon() // pools held back by the old quota may start now
}

// AccountInstanceQuota is the instances account may hold on this node.
func (s *Scheduler) AccountInstanceQuota(account string) int { return s.capacity.quotaOf(account) }

// SetAccountMemoryQuota sets how much memory (MB) the live instances of
// account may hold on this node together (its Limits.MaxMemoryMB); mb <= 0
// removes the quota. Like the instance quota, it evicts the account's own
// idle instances before it refuses.
func (s *Scheduler) SetAccountMemoryQuota(account string, mb int) {
	s.capacity.setMemoryQuota(account, mb)
	s.rebalanceSoon()
}

// Retire is called when function was updated or deleted: its idle instances
// stop now, busy ones once their requests (including those already queued)
// are done. Later requests, with the same Key or a new one, get new
// instances.
func (s *Scheduler) Retire(function string) {
	s.retireWhere(func(p *pool) bool { return p.target.Function == function })
}

// RetireKeys is Retire for the pools whose Key starts with prefix: an update
// of one qualifier (LATEST) leaves the instances of published versions alone.
func (s *Scheduler) RetireKeys(prefix string) {
	s.retireWhere(func(p *pool) bool { return strings.HasPrefix(p.target.Key, prefix) })
}

func (s *Scheduler) retireWhere(match func(*pool) bool) {
	var retired []*pool
	s.mu.Lock()
	for key, p := range s.pools {
		if match(p) {
			retired = append(retired, p)
			delete(s.pools, key)
		}
	}
	s.mu.Unlock()
	for _, p := range retired {
		p.retire()
	}
}

func (s *Scheduler) shuttingDown() bool {
	select {
	case <-s.shutdown:
		return true
	default:
		return false
	}
}

func (s *Scheduler) newInstanceID() string {
	return s.idPrefix + strconv.FormatUint(s.idSeq.Add(1), 10)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
