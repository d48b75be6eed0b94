package async

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// step is what a delivered message calls for, judged from its task's record
// alone (see early).
type step int

const (
	stepRun     step = iota // look up the config, then expire the task or run it
	stepSkip                // ack: a superseded message, or a task already finished
	stepDeliver             // finished, but a destination is still owed its record
	stepStop                // stopped while it ran (the run was interrupted): end it Stopped
	stepWait                // a retry not yet due: hand it back until then
)

// early decides what a message delivered for r calls for; seq is the
// message's stream sequence. The second result is the wait of stepWait.
func early(r *record, seq uint64, now time.Time) (step, time.Duration) {
	st := r.Task.Status
	switch {
	case r.Seq != 0 && r.Seq != seq:
		return stepSkip, 0
	case fc.AsyncFinal(st) && r.Destination != "":
		return stepDeliver, 0
	case fc.AsyncFinal(st):
		return stepSkip, 0
	case st == fc.AsyncStopping:
		return stepStop, 0
	case st == fc.AsyncRetrying && r.NextAttempt > ms(now):
		return stepWait, time.Duration(r.NextAttempt-ms(now)) * time.Millisecond
	}
	return stepRun, 0
}

// errNotRunnable: the record changed since the message was judged; it is
// handed back to be judged again.
var errNotRunnable = errors.New("task no longer runnable")

// begin is the transition that starts an attempt of the message seq.
func begin(r *record, seq uint64, now time.Time) error {
	st := r.Task.Status
	if r.Seq != 0 && r.Seq != seq || fc.AsyncFinal(st) || st == fc.AsyncStopping {
		return errNotRunnable
	}
	r.Seq = seq
	r.begin(now)
	return nil
}

// expired reports whether the task waited longer than the config allows.
func expired(r *record, cfg *fc.AsyncConfig, now time.Time) bool {
	return r.age(now) >= maxAge(cfg)
}

func maxAge(cfg *fc.AsyncConfig) time.Duration {
	return time.Duration(cfg.MaxAsyncEventAgeInSeconds) * time.Second
}

// result is how an attempt ended.
type result int

const (
	resSuccess       result = iota
	resFunctionError        // the function ran and failed, or timed out: counted retry
	resThrottled            // the platform did not run it: uncounted retry until max age
	resGone                 // the function no longer exists: Invalid
	resStopped              // StopTask cancelled it
	resAbandoned            // Close cancelled it: hand the message back
)

// classify judges an attempt from Invoke's answer and the cause of its
// context's cancellation, if any.
func classify(out *Outcome, err, cause error) result {
	switch {
	case errors.Is(cause, errStopRequested):
		return resStopped
	case errors.Is(cause, errShutdown):
		return resAbandoned
	case err == nil && out.ErrorType == "":
		return resSuccess
	case err == nil:
		return resFunctionError
	case errors.Is(err, ErrFunctionGone):
		return resGone
	}
	return resThrottled
}

// backoff is the wait before retry n (1 for the first): base doubling to at
// most limit, with "equal jitter" (half fixed, half random) so that tasks that
// failed together do not all come back together. rnd(k) returns [0, k).
func backoff(base, limit time.Duration, n int, rnd func(int64) int64) time.Duration {
	n = max(n, 1)
	d := limit
	if n < 32 && base<<(n-1) > 0 && base<<(n-1) < limit {
		d = base << (n - 1)
	}
	half := d / 2
	return half + time.Duration(rnd(int64(d-half)+1))
}

// jitter is backoff's source of randomness.
func jitter(k int64) int64 { return rand.Int64N(k) }

// nextAttempt is when retry n may run: after its backoff, but no later than
// the moment the event expires (which the next dequeue then reports).
func nextAttempt(r *record, cfg *fc.AsyncConfig, base, limit time.Duration, n int, now time.Time) time.Time {
	next := now.Add(backoff(base, limit, n, jitter))
	deadline := time.UnixMilli(r.Task.StartedTime).Add(maxAge(cfg))
	if deadline.Before(next) {
		return deadline
	}
	return next
}
