package fc

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes Yun answers with (fc3-api.md §6). Codes that contain
// "Throttling" make the official SDK raise its ThrottlingError.
const (
	CodeInvalidArgument       = "InvalidArgument"
	CodeMissingRequiredHeader = "MissingRequiredHeader"
	CodePathNotSupported      = "PathNotSupported"
	CodeEntityTooLarge        = "EntityTooLarge"
	CodeAccessDenied          = "AccessDenied"
	CodeSignatureNotMatch     = "SignatureNotMatch"
	CodeInvalidAccessKeyID    = "InvalidAccessKeyID"
	CodeFunctionNotFound      = "FunctionNotFound"
	CodeFunctionAlreadyExists = "FunctionAlreadyExists"
	CodeConcurrentUpdate      = "ConcurrentUpdateError"
	CodeResourceExhausted     = "ResourceExhausted"
	CodeResourceThrottled     = "ResourceThrottled"
	CodeClientClosedRequest   = "ClientClosedRequest"
	CodeInternal              = "InternalServerError"
	CodeServiceUnavailable    = "ServiceUnavailable"
	CodeNotSupported          = "OperationNotSupported"
)

// Error is an API error as FC reports it: an HTTP status and a Code and
// Message for the JSON body. The API layer adds the RequestId.
type Error struct {
	Status  int
	Code    string
	Message string
	// RetryAfter, when positive, is sent as x-acs-retry-after (seconds).
	RetryAfter int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidArgument is the 400 every validation failure answers.
func InvalidArgument(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, CodeInvalidArgument, format, args...)
}

// FunctionNotFound is the 404 for a function the caller's account does not have.
func FunctionNotFound(name string) *Error {
	return Errorf(http.StatusNotFound, CodeFunctionNotFound, "function '%s' does not exist.", name)
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
