package async

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

const (
	// pollWait is how long one fetch waits for messages.
	pollWait = 10 * time.Second
	// workerIdle is how long a worker fetches nothing before it stops, if
	// its consumer has nothing pending either.
	workerIdle = time.Minute
	// pauseMax caps the pause after failed fetches or consumer creations.
	pauseMax = 30 * time.Second
)

// worker consumes one function's invocations on this node: it fetches only
// as many messages as it has free slots, and runs each in its own goroutine.
type worker struct {
	ref fnRef
	// slots holds a token per execution running: its capacity is
	// MaxConcurrencyPerFunction.
	slots chan struct{}
	// poked (guarded by Service.mu) is set by submissions, so that a worker
	// about to stop for idleness stays on.
	poked bool
}

// ensureWorker makes sure this node consumes f's invocations.
func (s *Service) ensureWorker(f fnRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || s.closing {
		return
	}
	if w := s.workers[f]; w != nil {
		w.poked = true
		return
	}
	w := &worker{ref: f, slots: make(chan struct{}, s.cfg.MaxConcurrencyPerFunction)}
	s.workers[f] = w
	s.loops.Go(func() { s.runWorker(w) })
}

func (s *Service) runWorker(w *worker) {
	cons, ok := s.consumer(w.ref)
	lastWork, failures := time.Now(), 0
	for ok {
		n := w.acquire(s.pullCtx)
		if n == 0 {
			return
		}
		got, err := s.fetch(cons, w, n)
		w.release(n - got)
		switch {
		case s.pullCtx.Err() != nil:
			return
		case errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound):
			cons, ok = s.consumer(w.ref)
		case err != nil:
			failures++
			s.log.Warn("async fetch failed", "function", w.ref, "err", err)
			ok = sleep(s.pullCtx, pause(failures)) == nil
		case got > 0:
			lastWork, failures = time.Now(), 0
		case time.Since(lastWork) > workerIdle && s.retire(w, cons):
			return
		}
	}
}

// consumer creates (or finds) the function's durable consumer, trying until
// it succeeds or the service closes.
func (s *Service) consumer(f fnRef) (jetstream.Consumer, bool) {
	for failures := 1; ; failures++ {
		ctx, cancel := context.WithTimeout(s.pullCtx, setupTimeout)
		cons, err := s.stream.CreateOrUpdateConsumer(ctx, consumerConfig(&s.cfg, f))
		cancel()
		if err == nil {
			return cons, true
		}
		if s.pullCtx.Err() != nil {
			return nil, false
		}
		s.log.Warn("async consumer not created", "function", f, "err", err)
		if sleep(s.pullCtx, pause(failures)) != nil {
			return nil, false
		}
	}
}

// fetch pulls up to n messages and starts an execution for each; it returns
// how many it started. Messages that arrive after Close began go back.
func (s *Service) fetch(cons jetstream.Consumer, w *worker, n int) (int, error) {
	ctx, cancel := context.WithTimeout(s.pullCtx, pollWait)
	defer cancel()
	batch, err := cons.Fetch(n, jetstream.FetchContext(ctx))
	if err != nil {
		return 0, err
	}
	got := 0
	for m := range batch.Messages() {
		if s.pullCtx.Err() != nil {
			_ = m.Nak()
			continue
		}
		got++
		s.execs.Go(func() {
			defer w.release(1)
			s.handle(m)
		})
	}
	if err := batch.Error(); err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return got, err
	}
	return got, nil
}

// retire removes an idle worker whose consumer has nothing pending. It
// refuses if a submission poked the worker since it last looked.
func (s *Service) retire(w *worker, cons jetstream.Consumer) bool {
	ctx, cancel := context.WithTimeout(s.pullCtx, pollWait)
	defer cancel()
	info, err := cons.Info(ctx)
	if err != nil || info.NumPending > 0 || info.NumAckPending > 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.poked {
		w.poked = false
		return false
	}
	delete(s.workers, w.ref)
	return true
}

// acquire waits for one free slot, then takes every other free one; it
// returns how many it took (0 when ctx ended).
func (w *worker) acquire(ctx context.Context) int {
	select {
	case w.slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for ; n < cap(w.slots); n++ {
		select {
		case w.slots <- struct{}{}:
		default:
			return n
		}
	}
	return n
}

func (w *worker) release(n int) {
	for range n {
		<-w.slots
	}
}

// pause is the wait after the nth failure in a row: 1s doubling to pauseMax.
func pause(failures int) time.Duration {
	return min(time.Second<<min(failures-1, 5), pauseMax)
}
