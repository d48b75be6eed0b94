package process

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// exitWait is how long a broken exchange waits to learn whether the process
// died (the reset and the exit race each other).
const exitWait = 2 * time.Second

// Invoke sends one request to POST /invoke and waits for its answer, at most
// the spec's Timeout; on expiry the instance is killed. User failures come
// back as a Result (see sandbox.Instance). When ctx ends first, Invoke
// returns ctx's error together with a Result whose Broken is true: the
// runtime may still be running the request; Broken is false when ctx ended
// before any of the request was sent. An HTTP invocation passes
// inv.HTTP through and streams the answer (see invokeHTTP).
func (i *Instance) Invoke(ctx context.Context, inv *sandbox.Invocation) (*sandbox.Result, error) {
	if i.stopping.Load() || i.hasExited() {
		return nil, fmt.Errorf("invoke instance %s: %w", i.id, sandbox.ErrStopped)
	}
	id := inv.RequestID
	if id == "" {
		id = newID()
	}
	if inv.HTTP != nil {
		return i.invokeHTTP(ctx, id, inv)
	}
	lg := i.capture.begin(phaseInvoke, id, inv.WantLog)
	start := time.Now()
	deadline := start.Add(invokeTimeout(i.spec))
	rep, err := i.exchange(ctx, deadline, i.invokeRequest(id, inv))
	elapsed := time.Since(start)
	res, err := i.outcome(ctx, deadline, rep, err, elapsed)
	memory := i.maxMemory()
	log := i.capture.end(lg, summary{elapsed: elapsed, memoryMB: i.spec.MemoryMB, maxMemory: memory})
	if res != nil {
		res.Duration, res.MaxMemory = elapsed, memory
		if inv.WantLog {
			res.Log = log
		}
	}
	return res, err
}

// invokeRequest is POST /invoke with the event.
func (i *Instance) invokeRequest(id string, inv *sandbox.Invocation) *request {
	return &request{method: http.MethodPost, target: controlInvoke[0], common: i.commonHead(), commonKeys: i.headers,
		extra: inv.Header, requestID: id, control: controlInvoke, octet: inv.Body != nil, body: inv.Body}
}

// outcome turns the exchange into a Result; deadline is the invocation's.
func (i *Instance) outcome(ctx context.Context, deadline time.Time, rep *reply, err error, elapsed time.Duration) (*sandbox.Result, error) {
	if err == nil {
		res := &sandbox.Result{Status: rep.status, Body: rep.body}
		if rep.failed() {
			res.ErrorType = sandbox.ErrorUnhandled
		}
		res.Header = passHeader(rep.header)
		return res, nil
	}
	switch {
	case ctx.Err() != nil && errors.Is(err, errUnsent):
		// Nothing reached the runtime: the instance serves on.
		return &sandbox.Result{Status: http.StatusOK, ErrorType: sandbox.ErrorUnhandled,
				Body: errorBody("Invocation cancelled by the caller", "")},
			fmt.Errorf("invoke instance %s: %w", i.id, ctx.Err())
	case ctx.Err() != nil:
		return broken(errorBody("Invocation cancelled by the caller", "")),
			fmt.Errorf("invoke instance %s: %w", i.id, ctx.Err())
	case !time.Now().Before(deadline):
		i.signal(syscall.SIGKILL)
		return broken(timeoutBody(invokeTimeout(i.spec))), nil
	case i.stopping.Load() && !i.crashed():
		return nil, fmt.Errorf("invoke instance %s: %w", i.id, sandbox.ErrStopped)
	case errors.Is(err, errResponseTooLarge) && !i.hasExited():
		// The function's answer, not the runtime, is at fault: the
		// instance serves on (its connection was closed).
		return &sandbox.Result{Status: http.StatusOK, ErrorType: sandbox.ErrorUnhandled,
			Body: errorBody(fmt.Sprintf("Function response exceeds the maximum payload size of %d bytes", maxResponse), "")}, nil
	case i.exitedWithin(exitWait):
		return broken(i.exitBody(elapsed)), nil
	}
	i.log.Warn("runtime exchange failed", "err", err)
	return broken(errorBody("Runtime connection failed: "+err.Error(), "")), nil
}

// crashed says whether the process exited before Stop began: then a
// request that failed with it failed because of the exit, even when the
// owner, told by Done, is stopping the instance already.
func (i *Instance) crashed() bool { return i.hasExited() && i.exitedUnasked }

// exitBody describes an instance that exited during a request of elapsed:
// killed for memory, or exited.
func (i *Instance) exitBody(elapsed time.Duration) []byte {
	if i.oomKilled() {
		return oomBody(elapsed, i.maxMemory(), i.memoryLimitMB())
	}
	return exitBody(elapsed, i.maxMemory())
}

// oomKilled says whether the kernel killed a process of the instance for
// exceeding its memory limit; only the sandbox knows.
func (i *Instance) oomKilled() bool {
	if i.jail == nil {
		return false
	}
	if i.hasExited() {
		return i.final.oomKilled
	}
	return i.jail.oomKilled()
}

// memoryLimitMB is the memory limit the instance ran under.
func (i *Instance) memoryLimitMB() int { return int(i.jail.cgroup.MemoryLimit() >> 20) }

// broken is the Result of an invocation that left the instance unusable.
// The runtime gave no answer; FC reports these with status 200.
func broken(body []byte) *sandbox.Result {
	return &sandbox.Result{Status: http.StatusOK, Body: body, ErrorType: sandbox.ErrorUnhandled, Broken: true}
}

// exitedWithin waits up to d for the process to be reaped.
func (i *Instance) exitedWithin(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-i.exited:
		return true
	case <-t.C:
		return false
	}
}
