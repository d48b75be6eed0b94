package process

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"syscall"
	"time"
)

// stopGrace is how long a runtime has to exit after SIGTERM.
const stopGrace = 500 * time.Millisecond

// Stop ends the instance: the preStop hook (if configured, within its
// timeout and ctx), SIGTERM to the process group, SIGKILL after a short
// grace, the reap, and the removal of the scratch directory. ctx bounds the
// hook and the waiting; the kill and the cleanup happen regardless.
// Idempotent: later calls wait for the first and return its result.
func (i *Instance) Stop(ctx context.Context) error {
	i.stopOnce.Do(func() { i.stopErr = i.stop(ctx) })
	return i.stopErr
}

func (i *Instance) stop(ctx context.Context) error {
	i.stopping.Store(true)
	if i.ready.Load() && i.spec.PreStop != nil && !i.hasExited() {
		i.preStop(ctx)
	}
	i.signal(syscall.SIGTERM)
	if !i.exitedWithin(stopGrace) {
		i.signal(syscall.SIGKILL)
	}
	var errs []error
	if err := waitClosed(ctx, i.exited); err != nil {
		errs = append(errs, fmt.Errorf("stop instance %s: wait for exit: %w", i.id, err))
	}
	i.client.CloseIdleConnections()
	if i.memory != nil {
		i.memory.close()
	}
	// The capture drains for at most drainWait after the exit; then the sink
	// writes what is queued.
	if err := waitClosed(ctx, i.capture.done); err != nil {
		errs = append(errs, fmt.Errorf("stop instance %s: drain logs: %w", i.id, err))
	}
	i.sink.Shut()
	if err := i.awaitGoroutines(ctx); err != nil {
		errs = append(errs, err)
	}
	if i.jail != nil {
		if err := i.jail.release(); err != nil {
			errs = append(errs, fmt.Errorf("stop instance %s: %w", i.id, err))
		}
	}
	if i.pooled != nil { // its mounts go before its directory
		i.pooled.release()
	}
	if i.held {
		releasePort(i.port)
	}
	if err := os.RemoveAll(i.dir); err != nil {
		errs = append(errs, fmt.Errorf("stop instance %s: %w", i.id, err))
	}
	return errors.Join(errs...)
}

// abort undoes a failed start, whatever the caller's ctx.
func (i *Instance) abort() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := i.Stop(ctx); err != nil {
		i.log.Warn("clean up after a failed start", "err", err)
	}
}

// awaitGoroutines waits for the waiter, capture and sink goroutines.
func (i *Instance) awaitGoroutines(ctx context.Context) error {
	done := make(chan struct{})
	go func() { // ends with the goroutines it waits for
		i.wg.Wait()
		close(done)
	}()
	if err := waitClosed(ctx, done); err != nil {
		return fmt.Errorf("stop instance %s: wait for goroutines: %w", i.id, err)
	}
	return nil
}

// waitClosed waits for ch to close or ctx to end.
func waitClosed(ctx context.Context, ch <-chan struct{}) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// preStop calls GET /pre-stop within the hook's timeout. Its failure is
// logged, not returned: the instance stops either way, as in FC.
func (i *Instance) preStop(ctx context.Context) {
	id := newID()
	lg := i.capture.begin(phasePreStop, id, false)
	start := time.Now()
	rctx, cancel := context.WithTimeout(ctx, hookTimeout(i.spec.PreStop))
	defer cancel()
	rep, err := i.do(rctx, &call{method: http.MethodGet, url: i.urls.preStop, control: controlPreStop, requestID: id})
	i.capture.end(lg, summary{elapsed: time.Since(start), memoryMB: i.spec.MemoryMB, maxMemory: i.maxMemory()})
	switch {
	case err != nil:
		i.log.Warn("preStop hook failed", "err", err)
	case rep.status/100 != 2 || rep.failed():
		i.log.Warn("preStop hook failed", "status", rep.status, "body", clip(rep.body, 512))
	}
}
