package wasm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/sys"
)

// errorType values in the bodies of failed invocations.
const (
	errorTypeTrap     = "WasmTrap"         // the guest trapped: unreachable, out of bounds, …
	errorTypeExit     = "ExitError"        // the guest exited with a non-zero code
	errorTypeOOM      = "OutOfMemory"      // the guest failed after its memory could not grow
	errorTypeTooLarge = "ResponseTooLarge" // the guest wrote more than a result may hold
)

// maxTraceLines bounds the wasm stack trace lines written to the log.
const maxTraceLines = 32

// errorJSON is FC's error body for failures the engine observes.
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

// guestFailure describes err, returned by a guest run that did not succeed:
// FC's error body and the lines worth adding to the log (a trap's wasm
// stack trace).
func guestFailure(err error, mem *linearMemory, memoryMB int) (body []byte, log []string) {
	var exit *sys.ExitError
	isExit := errors.As(err, &exit)
	summary, trace := splitTrace(err.Error())
	var cause string
	if isExit {
		cause = fmt.Sprintf("exit code %d", exit.ExitCode())
	} else {
		cause = summary
	}
	switch {
	case mem.refused.Load():
		return errorBody(fmt.Sprintf("Function ran out of memory: it needed more than its memorySize of %d MB (%s)",
			memoryMB, cause), errorTypeOOM), trace
	case isExit:
		return errorBody("Function exited with "+cause, errorTypeExit), trace
	}
	return errorBody("Function trapped: "+summary, errorTypeTrap), trace
}

// splitTrace splits wazero's error text into its first line, without the
// "module[...] function[...] failed: " prefix, and the stack trace lines.
func splitTrace(text string) (string, []string) {
	first, rest, _ := strings.Cut(text, "\n")
	if i := strings.Index(first, "] failed: "); i >= 0 {
		first = first[i+len("] failed: "):]
	}
	var trace []string
	for line := range strings.SplitSeq(rest, "\n") {
		if line != "" && len(trace) < maxTraceLines {
			trace = append(trace, line)
		}
	}
	return first, trace
}
