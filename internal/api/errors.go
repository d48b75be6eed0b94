package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/yun-fc/yun/internal/acs3"
	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/fc"
)

// errorBody is FC's error model (PascalCase names, fc3-api.md §6).
type errorBody struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	RequestID string `json:"RequestId"`
}

// toFCError maps any error to the FC error the caller sees. It is the one
// place where Go errors become statuses and Codes.
func toFCError(err error) *fc.Error {
	if e, ok := fc.AsError(err); ok {
		return e
	}
	switch {
	case errors.Is(err, blob.ErrInvalid):
		return fc.InvalidArgument("%s", err.Error())
	case errors.Is(err, acs3.ErrUnknownAccessKey):
		return fc.Errorf(http.StatusForbidden, fc.CodeInvalidAccessKeyID, "%s", err.Error())
	case errors.Is(err, acs3.ErrSignatureMismatch):
		return fc.Errorf(http.StatusForbidden, fc.CodeSignatureNotMatch,
			"The request signature we calculated does not match the signature you provided. Check your access key and signing method")
	case errors.Is(err, acs3.ErrBodyHash):
		return fc.Errorf(http.StatusForbidden, fc.CodeSignatureNotMatch, "%s", err.Error())
	case errors.Is(err, acs3.ErrClockSkew):
		return fc.Errorf(http.StatusForbidden, "RequestTimeTooSkewed", "%s", err.Error())
	case errors.Is(err, acs3.ErrNonceReplayed):
		return fc.Errorf(http.StatusForbidden, "SignatureNonceUsed", "%s", err.Error())
	case errors.Is(err, acs3.ErrMissingAuthorization):
		return fc.Errorf(http.StatusBadRequest, fc.CodeMissingRequiredHeader, "%s", err.Error())
	case errors.Is(err, context.Canceled):
		return fc.Errorf(499, fc.CodeClientClosedRequest, "the client closed the request")
	case errors.Is(err, context.DeadlineExceeded):
		return fc.Errorf(http.StatusServiceUnavailable, fc.CodeServiceUnavailable, "the request timed out inside Yun")
	}
	return nil
}

// writeError answers err as FC's error JSON. Unexpected errors are logged and
// answered as 500 without their details.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toFCError(err)
	if e == nil {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "requestId", requestID(r.Context()), "err", err)
		e = fc.Errorf(http.StatusInternalServerError, fc.CodeInternal, "an internal error has occurred. Please retry.")
	}
	if e.RetryAfter > 0 {
		w.Header().Set("x-acs-retry-after", strconv.Itoa(e.RetryAfter))
	}
	writeJSON(w, e.Status, errorBody{Code: e.Code, Message: e.Message, RequestID: requestID(r.Context())})
}

// writeJSON answers v as JSON with the given status. Yun's response models
// always marshal; a failure is a bug and is answered as a 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"Code":"InternalServerError","Message":"cannot encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
