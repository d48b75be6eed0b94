// Package sandbox is the contract of Yun's function execution engine: start an
// instance of one function version, invoke it, stop it. Engines (process,
// later wasm) implement Engine; the scheduler drives them and never looks
// inside. Every engine passes the conformance suite in sandboxtest.
//
// Invariants: an Instance serves exactly one function version for its whole
// life; Invoke may be called concurrently up to the function's
// instanceConcurrency; Stop is idempotent and releases everything the
// instance made; Done is closed once the instance has exited for any reason.
package sandbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Engine starts instances.
type Engine interface {
	// Runtimes lists the runtime names this engine can run on this node.
	Runtimes() []string
	// Start boots an instance and returns once it is ready to be invoked:
	// the runtime listens and the initializer, if any, has succeeded. A failed
	// initializer returns an *InitError.
	Start(ctx context.Context, spec *Spec) (Instance, error)
}

// Instance is one running copy of a function version.
type Instance interface {
	ID() string
	// Invoke runs one request. User-level failures (an exception, a crash, a
	// timeout) are not errors: they come back as a Result with ErrorType set,
	// and Result.Broken says the instance must not be used again. An error
	// means the engine could not deliver the request at all. When ctx ends
	// first, Invoke returns ctx's error together with a Result, marked
	// Broken when the instance may still be running the request; a Result
	// not Broken says the instance serves on (nothing was sent, or the
	// engine stopped the run cleanly).
	Invoke(ctx context.Context, inv *Invocation) (*Result, error)
	// Stop ends the instance and removes what it made. Idempotent.
	Stop(ctx context.Context) error
	// Done is closed when the instance has exited.
	Done() <-chan struct{}
}

// Spec describes the instance to start.
type Spec struct {
	InstanceID string
	AccountID  string
	Region     string
	Function   string // function name
	Qualifier  string // LATEST, a version or an alias
	VersionID  string
	Runtime    string
	Handler    string
	CodeDir    string // unpacked code package; sandboxing engines show it read-only at /code
	// Layers are the unpacked layer packages in the function's order.
	// Sandboxing engines show them read-only under /opt, merged, a later
	// layer's files over an earlier one's (as FC extracts them in order);
	// engines without a mount namespace point NODE_PATH and PYTHONPATH at
	// them instead.
	Layers []string
	// InternetAccess gives the instance outbound network access (FC's
	// internetAccess). Without it the instance has only loopback. Even with
	// it, the instance cannot reach the host's own addresses.
	InternetAccess bool
	Env            map[string]string
	MemoryMB       int
	CPU            float64
	DiskMB         int
	Timeout        time.Duration // per invocation
	// Initializer runs once before the instance is ready (Handler is the
	// handler string; for custom runtimes POST /initialize is called).
	Initializer *Hook
	PreStop     *Hook
	// Custom runtime: the user's server command and port (default 9000).
	// Engines without a network namespace per instance pick their own port
	// and pass it in FC_CUSTOM_LISTEN_PORT.
	Command []string
	Args    []string
	Port    int
	// Logs receives every line the instance writes, with the engine's
	// "FC Invoke Start/End" markers. May be nil.
	Logs io.Writer
}

// Hook is a lifecycle hook.
type Hook struct {
	Handler string
	Timeout time.Duration
}

// Invocation is one request to an instance.
type Invocation struct {
	RequestID string
	Body      []byte
	// Header carries extra x-fc-* headers to pass to the runtime.
	Header http.Header
	// WantLog asks for the invocation's log lines in Result.Log. Not
	// available for an HTTP invocation, whose log ends after Invoke returns.
	WantLog bool
	// HTTP, when set, is a request to pass to a custom runtime as it came
	// (an HTTP trigger of a custom-runtime function): Body above is unused,
	// the runtime gets HTTP's method, target, headers and body, and its
	// answer comes back in Result.Status, Result.Header and Result.Stream.
	// Engines that cannot pass requests through refuse it with an error.
	HTTP *HTTPRequest
}

// HTTPRequest is an HTTP request passed through to a custom runtime.
type HTTPRequest struct {
	Method string
	// Target is the escaped path and query the runtime sees: "/a/b?x=1".
	Target string
	// Header is sent as it is (hop-by-hop headers already removed); its
	// "Host" entry, if any, is the Host line. Invocation.Header and the
	// engine's own x-fc-* headers are added and win over these.
	Header http.Header
	// Body is read once, while Invoke runs, and sent as it arrives; nil
	// means no body. ContentLength is its length, or -1 when unknown (the
	// body is then sent chunked).
	Body          io.Reader
	ContentLength int64
	// BodyDeadline, when set, is called with the invocation's deadline
	// before Body is read, so that the caller can bound its reads by it
	// (the API sets its client connection's read deadline): a caller that
	// stalls its upload must not hold the instance past the function's
	// timeout.
	BodyDeadline func(time.Time)
}

// Result is what an invocation produced.
type Result struct {
	Status    int         // HTTP status the runtime answered; results the engine makes itself (timeout, crash) use 200, as FC does
	Header    http.Header // response headers worth passing on
	Body      []byte
	ErrorType string // "" on success; UnhandledInvocationError, InitializationError, …
	Broken    bool   // the instance is unusable (crashed, timed out, OOM)
	Log       []byte // the invocation's log lines, when asked for
	Duration  time.Duration
	MaxMemory int64 // bytes, when the engine can measure it
	// Stream is the response body of an HTTP invocation (Body is then
	// nil), read as the runtime writes it. An HTTP invocation that failed
	// before the runtime answered (time-out, crash) has no Stream; Body
	// and ErrorType describe the failure as for any invocation. The caller must Close it; the
	// invocation, and the instance's concurrency slot, last until then.
	// The runtime's time-out still applies while the stream is read.
	// Duration and MaxMemory are measured when the headers arrived. Once
	// closed, a stream that implements BrokenReporter says whether the
	// exchange left the instance unusable (it timed out, failed on the
	// runtime's side or was cancelled by ctx); a stream the caller closes
	// before its end leaves the instance usable.
	Stream io.ReadCloser
}

// BrokenReporter is implemented by a Result.Stream that can tell, after
// Close, that the instance must not be used again.
type BrokenReporter interface {
	Broken() bool
}

// Error types FC reports in x-fc-error-type.
const (
	ErrorUnhandled      = "UnhandledInvocationError"
	ErrorHandled        = "HandledInvocationError"
	ErrorInitialization = "InitializationError"
)

// InitError is returned by Start when the instance could not become ready
// because of the user's code: the runtime did not start, or the initializer
// failed or timed out. Body is FC's error JSON to hand to the callers.
type InitError struct {
	Body []byte
	Log  []byte
	Err  error
}

func (e *InitError) Error() string { return "initialization failed: " + e.Err.Error() }
func (e *InitError) Unwrap() error { return e.Err }

// ErrStopped is returned by Invoke on an instance that has stopped.
var ErrStopped = errors.New("sandbox: instance stopped")
