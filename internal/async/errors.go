package async

import (
	"errors"
	"net/http"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yun-fc/yun/internal/fc"
)

// Sentinels an Invoker (or ConfigSource) wraps into its errors so that the
// service can tell a refusal worth retrying from a permanent one.
var (
	// ErrThrottled: the platform could not run the function now (no
	// instance slot, queue full, …). The invocation is retried with backoff
	// until the event's maximum age; it does not count against
	// maxAsyncRetryAttempts, since the function never ran.
	ErrThrottled = errors.New("invocation throttled")
	// ErrFunctionGone: the function (or its qualifier) no longer exists. The
	// task ends Invalid at once, without retries, and onFailure is told.
	ErrFunctionGone = errors.New("function no longer exists")
	// ErrRefused: the platform refused to run the function for a reason
	// that waiting does not fix (its invocations are disabled, it is larger
	// than the node, the request is invalid). The attempt counts like a
	// function error, with the refusal's Code as its error type, so that the
	// event reaches its onFailure destination after its retries instead of
	// coming back until its maximum age.
	ErrRefused = errors.New("invocation refused")
)

// Sentinels of the service's own refusals; the errors that carry them also
// carry the *fc.Error to answer (fc.AsError).
var (
	ErrClosed      = errors.New("async service closed")
	ErrUnavailable = errors.New("async queue unavailable")
	ErrQueueFull   = errors.New("async queue of the function full")
)

// refusal is both a sentinel (errors.Is) and the FC error to answer
// (errors.As / fc.AsError).
type refusal struct {
	kind  error
	fc    *fc.Error
	cause error
}

func (r *refusal) Error() string {
	if r.cause != nil {
		return r.fc.Error() + ": " + r.cause.Error()
	}
	return r.fc.Error()
}

func (r *refusal) Unwrap() []error {
	if r.cause == nil {
		return []error{r.kind, r.fc}
	}
	return []error{r.kind, r.fc, r.cause}
}

func closedError() error {
	e := fc.Errorf(http.StatusServiceUnavailable, fc.CodeServiceUnavailable, "the server is shutting down")
	e.RetryAfter = 1
	return &refusal{kind: ErrClosed, fc: e}
}

func unavailable(cause error) error {
	e := fc.Errorf(http.StatusServiceUnavailable, fc.CodeServiceUnavailable, "the async invocation queue is unavailable, retry later")
	e.RetryAfter = 1
	return &refusal{kind: ErrUnavailable, fc: e, cause: cause}
}

// storeError is err for the caller of a query or StopTask: its own FC
// error when it has one (not found, already finished), else the task
// store failed, which a retry may find working again: 503.
func storeError(err error) error {
	if _, ok := fc.AsError(err); ok || err == nil {
		return err
	}
	return unavailable(err)
}

// queueFull refuses a submission beyond Config.MaxQueuedPerFunction: a
// throttle the caller may retry once some of the function's invocations
// finished.
func queueFull(function string, max int) error {
	e := fc.Errorf(http.StatusTooManyRequests, fc.CodeResourceExhausted,
		"function '%s' has %d asynchronous invocations not yet finished, the most it may have; retry later", function, max)
	e.RetryAfter = 1
	return &refusal{kind: ErrQueueFull, fc: e}
}

// isQueueFull says whether a publish failed because the function's subject
// holds MaxMsgsPerSubject messages (the stream discards new ones).
func isQueueFull(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == errCodeStoreFailed &&
		strings.Contains(apiErr.Description, "per subject")
}

// errCodeStoreFailed is the server's JSStreamStoreFailedF, which the client
// library does not name.
const errCodeStoreFailed jetstream.ErrorCode = 10077

func payloadTooLarge(n int) error {
	return fc.Errorf(http.StatusBadRequest, fc.CodeEntityTooLarge,
		"payload size %d exceeds maximum allowed size (%d bytes)", n, fc.MaxAsyncPayload)
}

func taskExists(function, taskID string) error {
	return fc.Errorf(http.StatusConflict, fc.CodeAsyncTaskAlreadyExists,
		"async task '%s' of function '%s' already exists", taskID, function)
}

func taskFinished(function, taskID, status string) error {
	return fc.Errorf(http.StatusConflict, fc.CodeAsyncTaskFinished,
		"async task '%s' of function '%s' has already finished: %s", taskID, function, status)
}
