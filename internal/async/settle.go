package async

import (
	"context"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// retry records the failed attempt and hands the message back until the
// retry is due.
func (x *execution) retry(r *record, cfg *fc.AsyncConfig, errorType string, counted bool) {
	n := r.Throttles + 1
	if counted {
		n = r.Task.AlreadyRetriedTimes + 1
	}
	now := x.s.now()
	next := nextAttempt(r, cfg, x.s.cfg.RetryBase, x.s.cfg.RetryMax, n, now)
	x.transition(func(r *record) error {
		if fc.AsyncFinal(r.Task.Status) {
			return errNoChange
		}
		if r.Task.Status == fc.AsyncStopping {
			r.finish(now, fc.AsyncStopped, finalOutcome{})
			return nil
		}
		r.retry(now, next, errorType, counted)
		return nil
	})
}

// finish moves the task to a final status (unless it already has one).
func (x *execution) finish(status string, o finalOutcome) {
	now := x.s.now()
	x.transition(func(r *record) error {
		if fc.AsyncFinal(r.Task.Status) {
			return errNoChange
		}
		r.finish(now, status, o)
		return nil
	})
}

// transition changes the record and then takes the message where the new
// record says: handed back until its retry, to its destination, or acked.
func (x *execution) transition(change func(*record) error) {
	r, err := x.s.tasks.update(x.ctx, x.key, change)
	if err != nil {
		x.retryLater(err)
		return
	}
	switch {
	case r.Task.Status == fc.AsyncRetrying:
		x.nak(time.UnixMilli(r.NextAttempt).Sub(x.s.now()))
	case r.Destination != "":
		x.deliver(r)
	default:
		x.ack()
	}
}

// deliver sends the record to the destination it is owed, notes the outcome
// and acks. A transient failure hands the message back to try again later.
func (x *execution) deliver(r *record) {
	result := x.result
	if result == nil {
		var err error
		if result, err = x.s.tasks.blob(x.ctx, x.key, resultSuffix); err != nil {
			x.retryLater(err)
			return
		}
	}
	stopKeepalive := x.keepalive() // a slow destination must not outlast AckWait: it would get the record again
	ok, err := x.s.deliver(x.ctx, r, x.env.payload, result)
	stopKeepalive()
	if err == nil {
		_, err = x.s.tasks.update(x.ctx, x.key, func(r *record) error {
			if r.Destination == "" {
				return errNoChange
			}
			r.delivered(ok)
			return nil
		})
	}
	if err != nil {
		x.retryLater(err)
		return
	}
	x.ack()
}

// storeResult keeps the attempt's body (its first maxResult bytes) as the
// task's returnPayload. Failing to is only logged: the outcome matters more.
func (x *execution) storeResult(body []byte) {
	x.result = body[:min(len(body), maxResult)]
	if err := x.s.storeBlob(x.ctx, x.key, resultSuffix, x.result); err != nil {
		x.s.log.Warn("async task result not stored", "task", x.key, "err", err)
	}
}

// maxResult bounds a stored returnPayload (FC's bound is 1 MB; NATS messages
// default to 1 MB in all).
const maxResult = fc.MaxAsyncPayload

// asyncConfig is the config that applies to r: the ConfigSource's, or FC's
// defaults.
func (s *Service) asyncConfig(ctx context.Context, r *record) (*fc.AsyncConfig, error) {
	cfg, err := s.configs.AsyncConfig(ctx, r.Account, r.Function, r.Task.Qualifier)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg = fc.DefaultAsyncConfig()
	}
	return cfg, nil
}

func onSuccess(cfg *fc.AsyncConfig) string {
	if cfg == nil || cfg.DestinationConfig == nil || cfg.DestinationConfig.OnSuccess == nil {
		return ""
	}
	return cfg.DestinationConfig.OnSuccess.Destination
}

func onFailure(cfg *fc.AsyncConfig) string {
	if cfg == nil || cfg.DestinationConfig == nil || cfg.DestinationConfig.OnFailure == nil {
		return ""
	}
	return cfg.DestinationConfig.OnFailure.Destination
}
