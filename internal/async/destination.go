package async

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
)

// DestinationRecord is what a destination receives when an async invocation
// ends: FC's destination event (what Lambda calls the invocation record).
// A function destination gets it as its payload, cut to fit 128 KB (the
// response payload first, then the request's); a webhook gets it whole as
// the body of a POST.
type DestinationRecord struct {
	// Timestamp is when the invocation ended, in epoch milliseconds.
	Timestamp       int64               `json:"timestamp"`
	RequestContext  DestinationRequest  `json:"requestContext"`
	RequestPayload  string              `json:"requestPayload"`
	ResponseContext DestinationResponse `json:"responseContext"`
	ResponsePayload string              `json:"responsePayload"`
}

// DestinationRequest identifies the invocation. Condition is empty on
// success, else the function's error type (UnhandledInvocationError, …),
// EventAgeExceeded (expired before it ran) or FunctionNotFound.
// ApproximateInvokeCount is how many times the function was started.
type DestinationRequest struct {
	RequestID              string `json:"requestId"`
	FunctionArn            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

// DestinationResponse is the last attempt's answer: StatusCode 200 when the
// function ran (its failure is in FunctionError), 404 when it no longer
// exists, 0 when it never ran.
type DestinationResponse struct {
	StatusCode    int    `json:"statusCode"`
	FunctionError string `json:"functionError"`
}

// maxChain bounds destination hops (A's record to B, B's to C, …), so that
// destinations that lead back to themselves cannot loop forever.
const maxChain = 8

func destinationRecord(r *record, request, response []byte) *DestinationRecord {
	return &DestinationRecord{
		Timestamp: r.Task.EndTime,
		RequestContext: DestinationRequest{RequestID: r.Task.RequestID, FunctionArn: r.Task.FunctionArn,
			Condition: r.Condition, ApproximateInvokeCount: r.Invocations},
		RequestPayload:  string(request),
		ResponseContext: DestinationResponse{StatusCode: r.StatusCode, FunctionError: r.FunctionError},
		ResponsePayload: string(response),
	}
}

// deliver sends r's record to r.Destination. It reports whether the
// destination got it; an error means a transient failure worth trying again
// (the queue could not be written), not a refusal.
func (s *Service) deliver(ctx context.Context, r *record, request, response []byte) (bool, error) {
	rec := destinationRecord(r, request, response)
	if fc.IsWebhook(r.Destination) {
		body, err := json.Marshal(rec)
		if err == nil {
			err = s.hook.post(ctx, r.Destination, body, r.Task.RequestID)
		}
		if err != nil {
			s.log.Warn("async destination not reached", "task", r.ref().taskKey(r.Task.TaskID), "destination", r.Destination, "err", err)
			return false, nil
		}
		return true, nil
	}
	return s.deliverToFunction(ctx, r, rec)
}

func (s *Service) deliverToFunction(ctx context.Context, r *record, rec *DestinationRecord) (bool, error) {
	key := r.ref().taskKey(r.Task.TaskID)
	ref, err := fc.ParseFunctionARN(r.Destination)
	if err == nil {
		err = s.destinationAllowed(r, ref)
	}
	if err != nil {
		s.log.Warn("async destination refused", "task", key, "destination", r.Destination, "err", err)
		return false, nil
	}
	sub := &Submission{AccountID: ref.AccountID, Function: ref.Name, Qualifier: ref.Qualifier,
		TaskID: destinationTaskID(r), Payload: fit(*rec, fc.MaxAsyncPayload)}
	_, err = s.submit(ctx, sub, r.Chain+1)
	e, isFC := fc.AsError(err)
	switch {
	case err == nil || isFC && e.Code == fc.CodeAsyncTaskAlreadyExists: // delivered, maybe by an earlier delivery
		return true, nil
	case errors.Is(err, ErrUnavailable):
		return false, err
	}
	s.log.Warn("async destination refused", "task", key, "destination", r.Destination, "err", err)
	return false, nil
}

func (s *Service) destinationAllowed(r *record, ref fc.FunctionRef) error {
	switch {
	case ref.AccountID != r.Account:
		return errors.New("a destination function must belong to the same account")
	case ref.Region != s.cfg.Region:
		return errors.New("a destination function must be in region " + s.cfg.Region)
	case r.Chain >= maxChain:
		return errors.New("too many destination hops; a destination loop?")
	}
	return nil
}

// destinationTaskID is the task id of r's record at a function destination.
// It is the same at every delivery, so a delivery repeated after a crash is
// refused as a duplicate instead of running twice.
func destinationTaskID(r *record) string {
	sum := sha256.Sum256([]byte(r.Account + "/" + r.Function + "/" + r.Task.TaskID + "/" + r.Task.Status))
	return "dest_" + hex.EncodeToString(sum[:16])
}

// fit encodes rec in at most limit bytes, cutting the response payload
// first and then the request payload.
func fit(rec DestinationRecord, limit int) []byte {
	for {
		b, _ := json.Marshal(rec) // strings and numbers only: cannot fail
		over := len(b) - limit
		switch {
		case over <= 0:
			return b
		case rec.ResponsePayload != "":
			rec.ResponsePayload = cut(rec.ResponsePayload, over)
		case rec.RequestPayload != "":
			rec.RequestPayload = cut(rec.RequestPayload, over)
		default:
			return b
		}
	}
}

// cut drops at least n bytes from the end of s, keeping it valid UTF-8.
func cut(s string, n int) string {
	return strings.ToValidUTF8(s[:max(len(s)-n, 0)], "")
}
