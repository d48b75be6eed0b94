package scheduler

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// Sentinels for the refusals a caller may retry later. The errors Invoke
// returns for them also carry the *fc.Error to answer (fc.AsError).
var (
	ErrClosed       = errors.New("scheduler closed")
	ErrQueueFull    = errors.New("queue full")
	ErrQueueTimeout = errors.New("no instance slot in time")
)

// errRetired tells Invoke that the pool it found was retired meanwhile and it
// should look the Key up again.
var errRetired = errors.New("pool retired")

// retryAfter is the x-acs-retry-after, in seconds, of every refusal.
const retryAfter = 1

// refusal is both a sentinel (errors.Is) and the FC error to answer
// (errors.As / fc.AsError).
type refusal struct {
	kind error
	fc   *fc.Error
}

func (r *refusal) Error() string   { return r.fc.Error() }
func (r *refusal) Unwrap() []error { return []error{r.kind, r.fc} }

func refuse(kind error, status int, code, format string, args ...any) error {
	e := fc.Errorf(status, code, format, args...)
	e.RetryAfter = retryAfter
	return &refusal{kind: kind, fc: e}
}

func queueFull(function string, n int) error {
	return refuse(ErrQueueFull, http.StatusTooManyRequests, fc.CodeResourceExhausted,
		"function '%s': %d requests are already waiting for an instance", function, n)
}

func queueTimeout(function string, waited time.Duration) error {
	return refuse(ErrQueueTimeout, http.StatusServiceUnavailable, fc.CodeResourceThrottled,
		"function '%s': no instance became available within %v", function, waited)
}

func closed() error {
	return refuse(ErrClosed, http.StatusServiceUnavailable, fc.CodeServiceUnavailable,
		"the server is shutting down")
}

// startError is what waiters receive when the start they waited for failed.
func startError(function, id string, err error) error {
	return fmt.Errorf("function %s: start instance %s: %w", function, id, err)
}
