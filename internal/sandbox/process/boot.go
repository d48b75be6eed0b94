package process

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// Readiness polling backs off from pollFirst to pollMax between connects.
const (
	pollFirst = time.Millisecond
	pollMax   = 5 * time.Millisecond
)

// boot waits for the runtime to listen (a pre-warmed one has said so),
// gives a sandboxed instance its
// function's CPU limit, then runs the initializer.
func (i *Instance) boot(ctx context.Context, startTimeout time.Duration) error {
	if i.pooled == nil || !i.pooled.listening {
		if err := i.waitListening(ctx, startTimeout); err != nil {
			return err
		}
	}
	if i.jail != nil && i.spec.CPU > 0 {
		if err := i.jail.settle(i.spec.CPU); err != nil {
			return err
		}
	}
	i.capture.endBoot()
	if i.spec.Initializer != nil {
		if err := i.initialize(ctx); err != nil {
			return err
		}
	}
	i.ready.Store(true)
	return nil
}

// waitListening connects to the runtime's port until it answers, the
// process exits, startTimeout passes or ctx ends.
func (i *Instance) waitListening(ctx context.Context, startTimeout time.Duration) error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	poll := time.NewTimer(0)
	defer poll.Stop()
	for delay := pollFirst; ; delay = min(2*delay, pollMax) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the runtime to listen: %w", ctx.Err())
		case <-i.exited:
			return i.startFailure(fmt.Sprintf("Function instance exited unexpectedly (%s) before listening on port %d",
				i.state, i.port))
		case <-deadline.C:
			return i.startFailure(fmt.Sprintf("Function instance health check failed on port %d in %s seconds",
				i.port, seconds(startTimeout)))
		case <-poll.C:
		}
		if conn, err := i.dial(ctx, "tcp", i.addr); err == nil {
			conn.Close()
			return nil
		}
		poll.Reset(delay)
	}
}

// startFailure ends a runtime that did not come up and describes it with
// the lines it wrote.
func (i *Instance) startFailure(message string) error {
	i.signal(syscall.SIGKILL)
	i.exitedWithin(exitWait)
	return &sandbox.InitError{
		Body: errorBody(message, sandbox.ErrorInitialization),
		Log:  i.capture.await(i.capture.boot),
		Err:  errors.New(message),
	}
}

// initialize calls POST /initialize once, within the hook's timeout.
func (i *Instance) initialize(ctx context.Context) error {
	timeout := hookTimeout(i.spec.Initializer)
	id := newID()
	lg := i.capture.begin(phaseInitialize, id, true)
	start := time.Now()
	rctx, cancel := context.WithTimeout(ctx, timeout)
	rep, err := i.do(rctx, &call{method: http.MethodPost, url: i.urls.initialize, control: controlInitialize, requestID: id})
	elapsed := time.Since(start)
	body, cause := i.initOutcome(rctx, rep, err, timeout, elapsed)
	cancel()
	log := i.capture.end(lg, summary{elapsed: elapsed, memoryMB: i.spec.MemoryMB, maxMemory: i.maxMemory()})
	switch {
	case cause == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("initialize: %w", ctx.Err())
	}
	return &sandbox.InitError{Body: body, Log: log, Err: cause}
}

// initOutcome returns FC's error body and the cause when the initializer
// failed, or a nil cause.
func (i *Instance) initOutcome(rctx context.Context, rep *reply, err error, timeout, elapsed time.Duration) ([]byte, error) {
	if err == nil {
		if rep.status/100 == 2 && !rep.failed() {
			return nil, nil
		}
		cause := fmt.Errorf("initializer %q failed (HTTP %d)", i.spec.Initializer.Handler, rep.status)
		if trimmed := bytes.TrimSpace(rep.body); len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(trimmed) {
			return rep.body, cause
		}
		return errorBody(fmt.Sprintf("Initializer failed with HTTP status %d: %s", rep.status, clip(rep.body, 512)),
			sandbox.ErrorInitialization), cause
	}
	var message string
	switch {
	case errors.Is(rctx.Err(), context.Canceled):
		return nil, rctx.Err()
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		i.signal(syscall.SIGKILL)
		message = "Initializer timed out after " + seconds(timeout) + " seconds"
	case i.exitedWithin(exitWait) && i.oomKilled():
		return oomBody(elapsed, i.maxMemory(), i.memoryLimitMB()), errors.New("initializer exceeded the memory limit")
	case i.hasExited():
		message = fmt.Sprintf("Process exited unexpectedly before completing initialization (duration: %dms, maxMemoryUsage: %sMB)",
			elapsed.Milliseconds(), megabytes(i.maxMemory()))
	default:
		message = "Runtime connection failed: " + err.Error()
	}
	return errorBody(message, sandbox.ErrorInitialization), errors.New(message)
}

// clip returns at most n bytes of b as a string.
func clip(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}
