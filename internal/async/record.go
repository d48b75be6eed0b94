package async

import (
	"encoding/json"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// record is what the task bucket holds for one async invocation: the wire
// AsyncTask (without its payloads, which live under their own keys) and the
// bookkeeping the executor needs. Its methods are the state transitions; they
// take the time and never fail.
type record struct {
	Task     fc.AsyncTask `json:"task"`
	Account  string       `json:"account"`
	Function string       `json:"function"`
	// Seq is the stream sequence of the one message that executes this
	// task. Another message for the task (a caller's repeat that reached
	// the stream after the dedup window) is skipped.
	Seq uint64 `json:"seq"`
	// Chain counts the destination hops that led to this task (0 for a
	// caller's invocation), to stop destination loops.
	Chain int `json:"chain,omitempty"`
	// NextAttempt (epoch ms) is when a Retrying task may run again.
	NextAttempt int64 `json:"nextAttempt,omitempty"`
	// Invocations counts the times the function was started, re-runs after
	// a crash included; Throttles the attempts the platform refused.
	Invocations int `json:"invocations"`
	Throttles   int `json:"throttles,omitempty"`
	// Destination is the destination still owed a record; Condition,
	// StatusCode and FunctionError describe the outcome for it.
	Destination   string `json:"destination,omitempty"`
	Condition     string `json:"condition,omitempty"`
	StatusCode    int    `json:"statusCode,omitempty"`
	FunctionError string `json:"functionError,omitempty"`
	// AttemptStart (epoch ms) is when the current attempt began.
	AttemptStart int64 `json:"attemptStart,omitempty"`
}

// maxEvents bounds a record's event list; the first event is always kept.
const maxEvents = 64

func ms(t time.Time) int64 { return t.UnixMilli() }

func newRecord(f fnRef, arn, qualifier, requestID, taskID string, chain int, now time.Time) *record {
	r := &record{Account: f.account, Function: f.function, Chain: chain, Task: fc.AsyncTask{
		TaskID: taskID, RequestID: requestID, FunctionArn: arn, Qualifier: qualifier, StartedTime: ms(now),
	}}
	r.event(fc.AsyncEnqueued, now, "")
	return r
}

func (r *record) ref() fnRef { return fnRef{r.Account, r.Function} }

// event sets the status and appends an event for it.
func (r *record) event(status string, now time.Time, detail string) {
	t := &r.Task
	t.Status = status
	id := 1
	if n := len(t.Events); n > 0 {
		id = t.Events[n-1].EventID + 1
	}
	if len(t.Events) >= maxEvents {
		t.Events = append(t.Events[:1], t.Events[2:]...)
	}
	t.Events = append(t.Events, fc.AsyncTaskEvent{EventID: id, Status: status, Timestamp: ms(now), EventDetail: detail})
}

// begin starts an attempt: Dequeued the first time, then Running.
func (r *record) begin(now time.Time) {
	if r.Invocations == 0 && r.Task.Status == fc.AsyncEnqueued {
		r.event(fc.AsyncDequeued, now, "")
	}
	r.Invocations++
	r.NextAttempt = 0
	r.AttemptStart = ms(now)
	r.event(fc.AsyncRunning, now, "")
}

// retry schedules another attempt at next. counted says whether it uses one
// of maxAsyncRetryAttempts (the function ran and failed) or not (throttled).
func (r *record) retry(now, next time.Time, errorType string, counted bool) {
	r.endAttempt(now)
	if counted {
		r.Task.AlreadyRetriedTimes++
	} else {
		r.Throttles++
	}
	r.NextAttempt = ms(next)
	r.event(fc.AsyncRetrying, now, errorDetail(errorType))
}

// finish moves the task to a final status. A task being stopped ends
// Stopped whatever the attempt's outcome, and owes no destination.
func (r *record) finish(now time.Time, status string, o finalOutcome) {
	r.endAttempt(now)
	if r.Task.Status == fc.AsyncStopping {
		status, o = fc.AsyncStopped, finalOutcome{}
	}
	r.NextAttempt = 0
	r.Task.EndTime = ms(now)
	r.Task.TaskErrorMessage = o.message
	if o.instanceID != "" {
		r.Task.InstanceID = o.instanceID
	}
	r.Destination, r.Condition, r.StatusCode, r.FunctionError = o.destination, o.condition, o.statusCode, o.functionError
	r.event(status, now, errorDetail(o.message))
}

// finalOutcome is what finish records besides the status: the task's error
// message, and what the destination record will say.
type finalOutcome struct {
	message, instanceID    string
	destination, condition string
	functionError          string
	statusCode             int
}

func (r *record) endAttempt(now time.Time) {
	if r.AttemptStart != 0 {
		r.Task.DurationMs = ms(now) - r.AttemptStart
		r.AttemptStart = 0
	}
}

// delivered records the outcome of the destination delivery.
func (r *record) delivered(ok bool) {
	r.Destination = ""
	r.Task.DestinationStatus = fc.AsyncFailed
	if ok {
		r.Task.DestinationStatus = fc.AsyncSucceeded
	}
}

// errorDetail is FC's eventDetail for an error type.
func errorDetail(errorType string) string {
	if errorType == "" {
		return ""
	}
	b, _ := json.Marshal(map[string]string{"Error": errorType})
	return string(b)
}

// age is how long the task has waited since it was accepted.
func (r *record) age(now time.Time) time.Duration {
	return now.Sub(time.UnixMilli(r.Task.StartedTime))
}
