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
	// ErrReservedConcurrency: the request needs an instance beyond its
	// function's reservedConcurrency.
	ErrReservedConcurrency = errors.New("reserved concurrency reached")
	// ErrInstanceQuota: the request needs an instance beyond its account's
	// instance or memory quota (the message says which), and no idle
	// instance of the account can make room.
	ErrInstanceQuota = errors.New("account quota reached")
	// ErrNodeMemory: the function's memorySize is more than the node lends
	// to all its instances together; no instance of it can ever start here.
	ErrNodeMemory = errors.New("larger than the node")
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

func queueTimeout(function string, waited time.Duration, by limit) error {
	why := ""
	if by != limitNone {
		why = " (new instances are held back by the " + by.String() + ")"
	}
	return refuse(ErrQueueTimeout, http.StatusServiceUnavailable, fc.CodeResourceThrottled,
		"function '%s': no instance became available within %v%s", function, waited, why)
}

// tooBigForNode refuses a request whose function could never start an
// instance on the node; retrying would not help, so no retry-after.
func tooBigForNode(function string, memoryMB, nodeMB int) error {
	e := fc.Errorf(http.StatusServiceUnavailable, fc.CodeResourceThrottled,
		"function '%s' needs %d MB per instance, more than the %d MB this node lends to all its instances", function, memoryMB, nodeMB)
	return &refusal{kind: ErrNodeMemory, fc: e}
}

// reservedExceeded refuses a request beyond its function's cap: a throttle
// the caller should retry (429, a Code with "Throttling", so that the SDK
// raises its ThrottlingError with retryAfter). A cap of 0 blocks the
// function on purpose; retrying would not help, so it gets FC's plain 429
// ResourceExhausted without a retry-after.
func reservedExceeded(function string, reserved int) error {
	if reserved == 0 {
		e := fc.Errorf(http.StatusTooManyRequests, fc.CodeResourceExhausted,
			"function '%s' has reservedConcurrency 0: its invocations are blocked", function)
		return &refusal{kind: ErrReservedConcurrency, fc: e}
	}
	return refuse(ErrReservedConcurrency, http.StatusTooManyRequests, fc.CodeReservedConcurrencyThrottling,
		"function '%s' is at its reservedConcurrency of %d instances", function, reserved)
}

// quotaExhausted refuses a request beyond its account's instance quota:
// FC's 503 ResourceThrottled for an exhausted instance quota.
func quotaExhausted(function, account string, quota int) error {
	return refuse(ErrInstanceQuota, http.StatusServiceUnavailable, fc.CodeResourceThrottled,
		"function '%s': account %s is at its instance quota of %d and has no idle instance to reclaim", function, account, quota)
}

// memoryQuotaExhausted refuses a request that needs an instance beyond its
// account's memory quota, as quotaExhausted does for the instance quota.
func memoryQuotaExhausted(function, account string, mb int) error {
	return refuse(ErrInstanceQuota, http.StatusServiceUnavailable, fc.CodeResourceThrottled,
		"function '%s': account %s is at its memory quota of %d MB and has no idle instance to reclaim", function, account, mb)
}

func closed() error {
	return refuse(ErrClosed, http.StatusServiceUnavailable, fc.CodeServiceUnavailable,
		"the server is shutting down")
}

// startError is what waiters receive when the start they waited for failed.
func startError(function, id string, err error) error {
	return fmt.Errorf("function %s: start instance %s: %w", function, id, err)
}
