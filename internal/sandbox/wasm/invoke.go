package wasm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/yun-fc/yun/internal/sandbox"
)

// Invoke runs the module once for inv: a fresh module instance whose stdin
// is the event, whose stdout is the result and whose stderr is the log,
// stopped when the spec's Timeout passes. A guest failure is a Result with
// ErrorType set; Broken is always false, because the next invocation gets
// a fresh module instance whatever this one did. When ctx ends first,
// Invoke returns ctx's error together with a Result.
func (i *Instance) Invoke(ctx context.Context, inv *sandbox.Invocation) (*sandbox.Result, error) {
	if inv.HTTP != nil {
		return nil, fmt.Errorf("invoke instance %s: WebAssembly functions cannot take HTTP requests passed through", i.id)
	}
	if !i.enter() {
		return nil, fmt.Errorf("invoke instance %s: %w", i.id, sandbox.ErrStopped)
	}
	defer i.leave()
	id := inv.RequestID
	if id == "" {
		id = newID()
	}
	log := newInvocationLog(i.sink, id, inv.WantLog)
	x := i.execute(ctx, id, inv.Body, log)
	res, trace, err := i.outcome(ctx, x)
	peak := int64(x.memory.peak.Load())
	tail := log.end(append(trace, "FC Invoke End RequestId: "+id, durationLine(x.elapsed, i.memoryMB, peak))...)
	if res != nil {
		res.Duration, res.MaxMemory = x.elapsed, peak
		if inv.WantLog {
			res.Log = tail
		}
	}
	return res, err
}

// execution is what one run of the guest left.
type execution struct {
	err      error // what instantiating (and so running) the module returned
	out      *output
	memory   *linearMemory
	elapsed  time.Duration
	timedOut bool // the invocation's own deadline ended it
}

// execute runs the guest to its end, its timeout, the caller's cancellation
// or the instance's Stop, whichever comes first.
func (i *Instance) execute(ctx context.Context, id string, body []byte, log *invocationLog) *execution {
	rctx, cancel := context.WithTimeout(ctx, i.timeout)
	defer cancel()
	defer context.AfterFunc(i.ctx, cancel)()
	x := &execution{out: &output{max: i.maxOutput}, memory: i.eng.memory.linear(i.memory)}
	if !x.memory.reserve(uint64(i.module.minPages) * pageSize) {
		x.err = errMemoryBusy
		return x
	}
	defer x.memory.release()
	ref := &refusal{}
	cfg := i.invocationConfig(rctx, id, body, x.out, log, ref)
	start := time.Now()
	mod, err := i.eng.runtime.InstantiateModule(experimental.WithMemoryAllocator(withRefusal(rctx, ref), x.memory),
		i.module.compiled, cfg)
	x.elapsed = time.Since(start)
	if mod != nil { // _start returned without calling proc_exit
		mod.Close(context.WithoutCancel(rctx))
	}
	x.err = err
	x.timedOut = errors.Is(rctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
	return x
}

// invocationConfig is the instance's guest configuration with this
// invocation's streams, environment, files (its refusals of a full /tmp
// noted in ref) and sleep, which ends with ctx.
func (i *Instance) invocationConfig(ctx context.Context, id string, body []byte, out, log io.Writer, ref *refusal) wazero.ModuleConfig {
	cfg := i.config.
		WithFSConfig(mounts(i.codeDir, i.dir, i.disk, ref)).
		WithStdin(bytes.NewReader(body)).
		WithStdout(out).
		WithStderr(log).
		WithNanosleep(sleeper(ctx))
	for _, v := range i.env {
		cfg = cfg.WithEnv(v.key, v.value)
	}
	return cfg.WithEnv("FC_REQUEST_ID", id)
}

// sleeper is the guest's nanosleep (poll_oneoff with a clock): real time,
// cut short when ctx ends so that a sleeping guest can be stopped too.
func sleeper(ctx context.Context) func(ns int64) {
	return func(ns int64) {
		t := time.NewTimer(time.Duration(ns))
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
}

// outcome turns an execution into a Result, and the log lines that
// describe a guest's failure.
func (i *Instance) outcome(ctx context.Context, x *execution) (*sandbox.Result, []string, error) {
	switch {
	case x.err == nil && x.out.overflow:
		return failed(errorBody(fmt.Sprintf("Function response is larger than the %d MB limit",
			i.maxOutput>>20), errorTypeTooLarge)), nil, nil
	case x.err == nil:
		return &sandbox.Result{Status: http.StatusOK, Body: x.out.buf.Bytes()}, nil, nil
	case i.isStopping():
		return nil, nil, fmt.Errorf("invoke instance %s: %w", i.id, sandbox.ErrStopped)
	case ctx.Err() != nil:
		return failed(errorBody("Invocation cancelled by the caller", "")), nil,
			fmt.Errorf("invoke instance %s: %w", i.id, ctx.Err())
	case x.timedOut:
		return failed(timeoutBody(i.timeout)), nil, nil
	case x.err == errMemoryBusy:
		return failed(errorBody(fmt.Sprintf("Function ran out of memory: the invocations running on its instance hold its memorySize of %d MB",
			i.memoryMB), errorTypeOOM)), nil, nil
	}
	body, trace := guestFailure(x.err, x.memory, i.memoryMB)
	return failed(body), trace, nil
}

// failed is the Result of an invocation the guest did not complete. The
// instance stays usable; FC reports these with status 200.
func failed(body []byte) *sandbox.Result {
	return &sandbox.Result{Status: http.StatusOK, Body: body, ErrorType: sandbox.ErrorUnhandled}
}

// output is the guest's stdout, bounded: past max bytes writes fail and the
// result is an error.
type output struct {
	buf      bytes.Buffer
	max      int
	overflow bool
}

var (
	errOutputFull = errors.New("the result is too large")
	errMemoryBusy = errors.New("no memory left for the module to start")
)

func (o *output) Write(p []byte) (int, error) {
	if o.buf.Len()+len(p) > o.max {
		o.overflow = true
		return 0, errOutputFull
	}
	return o.buf.Write(p)
}
