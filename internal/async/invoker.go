package async

import (
	"context"

	"github.com/yun-fc/yun/internal/fc"
)

// Invoker runs one attempt of an async invocation, through the same scheduler
// as sync calls. It returns an Outcome when the function ran (successfully or
// not: a function error or time-out is an Outcome with an ErrorType) and an
// error when the platform could not run it: wrap ErrThrottled for a refusal
// worth retrying later, ErrFunctionGone when the function no longer exists,
// ErrRefused for a refusal that waiting does not fix. Any other error is
// treated like ErrThrottled. Invoke must return soon after
// ctx ends (a StopAsyncTask or a shutdown cancels it).
type Invoker interface {
	Invoke(ctx context.Context, call *Call) (*Outcome, error)
}

// Call is one attempt of an async invocation.
type Call struct {
	AccountID string
	Function  string
	Qualifier string
	RequestID string
	TaskID    string
	Payload   []byte
	// Attempt counts the times the function was started for this task,
	// this one included (1 for the first).
	Attempt int
}

// Outcome is what the function returned. ErrorType is empty on success, or
// FC's x-fc-error-type (UnhandledInvocationError, InitializationError, a
// time-out, …) when the function failed; a failure is retried up to
// maxAsyncRetryAttempts.
type Outcome struct {
	Body       []byte
	ErrorType  string
	InstanceID string
}

// ConfigSource returns the async invoke configuration of a function
// qualifier; nil, nil means none (FC's defaults apply: 3 retries, events
// kept 86400 s, no destinations). It may wrap ErrFunctionGone. Each execution
// asks for it once, so it should answer from memory.
type ConfigSource interface {
	AsyncConfig(ctx context.Context, accountID, function, qualifier string) (*fc.AsyncConfig, error)
}
