package process

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

// errorJSON is FC's error body for failures the engine itself observes.
type errorJSON struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType,omitempty"`
}

func errorBody(message, errorType string) []byte {
	b, _ := json.Marshal(errorJSON{ErrorMessage: message, ErrorType: errorType})
	return b
}

// timeoutBody is the body of an invocation that ran out of time.
func timeoutBody(timeout time.Duration) []byte {
	return errorBody("Function timed out after "+seconds(timeout)+" seconds", "")
}

// ErrorTypeMemoryLimit is the errorType in the body of an invocation whose
// instance the kernel killed for exceeding its memorySize.
const ErrorTypeMemoryLimit = "MemoryLimitExceeded"

// oomBody is the body of an invocation whose instance was killed for memory.
func oomBody(d time.Duration, maxMemory int64, memoryMB int) []byte {
	return errorBody(fmt.Sprintf("Function exceeded its memory limit of %d MB and was killed (duration: %dms, maxMemoryUsage: %sMB)",
		memoryMB, d.Milliseconds(), megabytes(maxMemory)), ErrorTypeMemoryLimit)
}

// exitBody is the body of an invocation whose process exited under it.
func exitBody(d time.Duration, maxMemory int64) []byte {
	return errorBody(fmt.Sprintf("Process exited unexpectedly before completing request (duration: %dms, maxMemoryUsage: %sMB)",
		d.Milliseconds(), megabytes(maxMemory)), "")
}

func megabytes(b int64) string {
	return strconv.FormatFloat(float64(b)/(1<<20), 'f', 2, 64)
}

// seconds formats d in seconds: "3", or "1.5" for a fraction.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// invokeTimeout is the spec's per-invocation timeout, FC's default if unset.
func invokeTimeout(spec *sandbox.Spec) time.Duration {
	if spec.Timeout > 0 {
		return spec.Timeout
	}
	return fc.DefaultTimeout * time.Second
}

// hookTimeout is a lifecycle hook's timeout, FC's initializer default if unset.
func hookTimeout(h *sandbox.Hook) time.Duration {
	if h.Timeout > 0 {
		return h.Timeout
	}
	return fc.DefaultInitTimeout * time.Second
}
