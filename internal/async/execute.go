package async

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yun-fc/yun/internal/fc"
)

// execution takes one delivered message to its next resting point: the task
// finished (message acked), waiting for a retry (message handed back with a
// delay), or abandoned by a shutdown (handed back at once). The message is
// acked only after the task's record says how it ended and its destination
// has been served, so a crash at any point leads to a redelivery that picks
// up from the record.
type execution struct {
	s    *Service
	m    jetstream.Msg
	env  *envelope
	meta *jetstream.MsgMetadata
	key  string
	// ctx is for the store and destinations: it ends only when Close gives up.
	ctx context.Context
	// result is the body of this delivery's attempt, if it ran.
	result []byte
}

func (s *Service) handle(m jetstream.Msg) {
	env, err := readEnvelope(m.Headers(), m.Data())
	if err == nil {
		var meta *jetstream.MsgMetadata
		if meta, err = m.Metadata(); err == nil {
			x := &execution{s: s, m: m, env: env, meta: meta, key: env.key(), ctx: s.abortCtx}
			x.handle()
			return
		}
	}
	s.log.Error("dropping an async message that cannot run", "subject", m.Subject(), "err", err)
	if err := m.Term(); err != nil {
		s.log.Warn("async message not terminated", "subject", m.Subject(), "err", err)
	}
}

func (x *execution) handle() {
	r, err := x.load()
	if err != nil {
		x.retryLater(err)
		return
	}
	switch step, wait := early(r, x.meta.Sequence.Stream, x.s.now()); step {
	case stepSkip:
		x.ack()
	case stepWait:
		x.nak(wait)
	case stepDeliver:
		x.deliver(r)
	case stepStop:
		x.finish(fc.AsyncStopped, finalOutcome{})
	case stepRun:
		x.run(r)
	}
}

// load reads the task's record, making it again from the message if it is
// gone (kept past TaskRetention).
func (x *execution) load() (*record, error) {
	r, _, err := x.s.tasks.get(x.ctx, x.key)
	if !errors.Is(err, errNoTask) {
		return r, err
	}
	r = x.env.rebuild(x.s.arn(x.env.ref), x.meta.Sequence.Stream)
	if err := x.s.tasks.create(x.ctx, x.key, r); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, err
	}
	r, _, err = x.s.tasks.get(x.ctx, x.key)
	return r, err
}

func (x *execution) run(r *record) {
	cfg, err := x.s.asyncConfig(x.ctx, r)
	switch {
	case errors.Is(err, ErrFunctionGone):
		x.finish(fc.AsyncInvalid, goneOutcome(nil))
	case err != nil:
		x.retryLater(err)
	case expired(r, cfg, x.s.now()):
		x.finish(fc.AsyncExpired, finalOutcome{message: "EventAgeExceeded", condition: "EventAgeExceeded",
			destination: onFailure(cfg)})
	default:
		x.attempt(cfg)
	}
}

// attempt runs the function once and settles the outcome.
func (x *execution) attempt(cfg *fc.AsyncConfig) {
	ctx, cancel := context.WithCancelCause(x.s.abortCtx)
	defer cancel(nil)
	id := x.s.running.add(x.key, cancel) // before Running is visible, so a stop finds it
	defer x.s.running.remove(x.key, id)
	seq := x.meta.Sequence.Stream
	r, err := x.s.tasks.update(x.ctx, x.key, func(r *record) error { return begin(r, seq, x.s.now()) })
	if errors.Is(err, errNotRunnable) {
		x.nak(0)
		return
	}
	if err != nil {
		x.retryLater(err)
		return
	}
	stopKeepalive := x.keepalive()
	out, err := x.s.inv.Invoke(ctx, &Call{AccountID: r.Account, Function: r.Function, Qualifier: r.Task.Qualifier,
		RequestID: r.Task.RequestID, TaskID: r.Task.TaskID, Payload: x.env.payload, Attempt: r.Invocations})
	stopKeepalive()
	if err == nil && out == nil {
		out = &Outcome{}
	}
	if errors.Is(err, ErrRefused) {
		out, err = refusedOutcome(err), nil
	}
	x.settle(r, cfg, classify(out, err, context.Cause(ctx)), out)
}

// refusedOutcome is an ErrRefused attempt as a failed one: its error type is
// the refusal's Code, its body FC's error JSON.
func refusedOutcome(err error) *Outcome {
	code, msg := "InvocationRefused", err.Error()
	if e, ok := fc.AsError(err); ok {
		code, msg = e.Code, e.Message
	}
	body, _ := json.Marshal(map[string]string{"errorType": code, "errorMessage": msg})
	return &Outcome{ErrorType: code, Body: body}
}

func (x *execution) settle(r *record, cfg *fc.AsyncConfig, res result, out *Outcome) {
	switch res {
	case resAbandoned:
		x.nak(0) // the record stays Running: the next delivery runs the task again
	case resStopped:
		x.finish(fc.AsyncStopped, finalOutcome{})
	case resSuccess:
		x.storeResult(out.Body)
		x.finish(fc.AsyncSucceeded, finalOutcome{instanceID: out.InstanceID, statusCode: http.StatusOK,
			destination: onSuccess(cfg)})
	case resFunctionError:
		x.storeResult(out.Body)
		if r.Task.AlreadyRetriedTimes < cfg.MaxAsyncRetryAttempts {
			x.retry(r, cfg, out.ErrorType, true)
			return
		}
		x.finish(fc.AsyncFailed, finalOutcome{message: out.ErrorType, instanceID: out.InstanceID,
			condition: out.ErrorType, functionError: out.ErrorType, statusCode: http.StatusOK, destination: onFailure(cfg)})
	case resThrottled:
		x.retry(r, cfg, fc.CodeResourceThrottled, false)
	case resGone:
		x.finish(fc.AsyncInvalid, goneOutcome(cfg))
	}
}

func goneOutcome(cfg *fc.AsyncConfig) finalOutcome {
	return finalOutcome{message: fc.CodeFunctionNotFound, condition: fc.CodeFunctionNotFound,
		statusCode: http.StatusNotFound, destination: onFailure(cfg)}
}
