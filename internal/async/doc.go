// Package async is Yun's asynchronous invocation: it accepts an invocation,
// stores it durably before answering, runs it through an Invoker (the same
// scheduler as sync calls) at a bounded concurrency per function, retries it
// with backoff, records every task's status and events, and reports the
// outcome to a destination.
//
// The queue is NATS JetStream: an embedded server whose store lives in the
// data directory, or an external cluster (Config.NATSURL). The code is the
// same either way.
//
// # Promise
//
// Submit returns only after JetStream has acknowledged the invocation's
// message, written to its file store. An accepted invocation runs at least
// once, even if Yun is killed at any moment after: a message is acked only
// after its task's record says how it ended and its destination was served,
// and an unacked message is delivered again once its AckWait has passed (so
// an execution cut short by a crash runs again at most AckWait after the
// restart). Duplicates are possible only when Yun dies between a function's
// start and the record of its outcome: the task then runs again, and the
// destination record's approximateInvokeCount counts both runs. (Writes are fsynced every two minutes
// unless Config.SyncAlways: a crash of Yun loses nothing, a power loss may.)
//
// # Layout
//
//	stream   YUN_ASYNC          subjects yun.async.{account}.{function}; work-queue
//	                            retention, file storage, 2 min dedup window
//	consumer fn_{hash}          one durable pull consumer per function subject,
//	                            shared by every node; explicit ack, MaxDeliver
//	                            unlimited, MaxAckPending = MaxPendingPerFunction,
//	                            removed after an hour without pulls
//	bucket   YUN_ASYNC_TASKS    KV, history 1, TTL = TaskRetention:
//	           {account}.{function}.{taskId}           task record (JSON)
//	           {account}.{function}.{taskId}.payload   the invocation's payload
//	           {account}.{function}.{taskId}.result    the last attempt's body (≤ 128 KB)
//	subject  yun.control.async.stop                    stop requests, core NATS
//
// A message carries the payload as its body and the task's identity in
// headers, so it can run even if its record is gone. Its Nats-Msg-Id is the
// task key, so a repeated publish within the dedup window is dropped.
//
// # Submitting
//
// The message is the truth; the record follows it. Submit refuses a task id
// that already has a record (409 AsyncTaskAlreadyExists: a caller's retry
// never runs a task twice), publishes the message (storing the payload for
// GetAsyncTask meanwhile), and once JetStream has acknowledged it creates the
// record holding the message's stream sequence. Only the message whose
// sequence the record holds may run; any other message for the task is
// skipped. So:
//
//   - Killed after the publish, before the record: the invocation was
//     accepted (the caller just never heard); its executor writes the record
//     from the message's headers. A caller's retry within the dedup window
//     gets the same sequence back and is accepted; later, it finds the
//     record and is refused.
//   - Two submissions of one id at once: the dedup window gives both the same
//     sequence, both are accepted, one message runs.
//   - A repeat that slips past both checks (a record written between its
//     check and its publish, after the dedup window) is refused when it finds
//     a record with another sequence, and its message is skipped.
//
// # Executing
//
// Each node runs a worker per function with queued messages: it fetches only
// as many as it has free slots (MaxConcurrencyPerFunction), so async load
// cannot take every instance from sync callers, and one busy function never
// holds up another. Workers start on Submit, at Start, and when the periodic
// scan of the stream's subjects finds work; an idle worker retires.
//
// A task moves through these states (fc.Async*):
//
//	Enqueued → Dequeued → Running → Succeeded
//	                        ↓  ↑ → Failed      (retries exhausted)
//	                      Retrying → Expired   (maxAsyncEventAgeInSeconds passed before a run)
//	                        Running → Invalid  (the function is gone)
//	Enqueued, Retrying → Stopped              (StopTask; never runs again)
//	Running → Stopping → Stopped              (StopTask cancels the invocation)
//
// Every change is a compare-and-set on the record's revision, so the executor
// and StopTask (on any node) never overwrite each other. A running
// execution's cancel function is registered before its Running state is
// written, so a stop that sees Running always finds it (locally, or through
// the stop subject on other nodes).
//
// # Retries
//
// A function error or time-out (an Outcome with an ErrorType) is retried up
// to maxAsyncRetryAttempts times (alreadyRetriedTimes counts them), and so is
// a refusal that waiting does not fix (ErrRefused: invocations disabled, a
// function larger than the node). Any other refusal of the platform
// (ErrThrottled or another Invoke error) is retried until the event's
// maximum age without using up that budget, since the function never ran
// (as Lambda does with throttles). The wait before retry n is
// RetryBase·2^(n-1), capped at RetryMax, half of it random, and never past
// the event's expiry. A retry hands the message back with NakWithDelay: the
// message stays in the stream, so a retry survives a crash without a
// window in which it is in neither place (a delayed re-publish would need an
// ack and a publish to happen together). The record's nextAttempt keeps the
// backoff honest when a message comes back early (after a restart). While a
// running attempt lasts, the message's AckWait is renewed every AckWait/3.
//
// An event older than maxAsyncEventAgeInSeconds when it is dequeued is not
// run: the task ends Expired and onFailure is told (condition
// EventAgeExceeded).
//
// # Destinations
//
// When a task ends Succeeded and the config has onSuccess, or Failed,
// Expired or Invalid and it has onFailure, the destination gets a
// DestinationRecord: a function ARN of the same account gets an async
// invocation (with a task id derived from the source task, so a repeated
// delivery is refused rather than run twice; at most maxChain hops); an
// http(s) URL gets a POST (WebhookAttempts tries of WebhookTimeout each).
// destinationStatus ends Succeeded or Failed. Stopped tasks owe no record.
//
// # Errors
//
// Refusals are *fc.Error values; those of the service itself also match a
// sentinel with errors.Is:
//
//	payload over 128 KB        400 EntityTooLarge
//	bad task id                400 InvalidArgument
//	task id already used       409 AsyncTaskAlreadyExists
//	unknown task               404 AsyncTaskNotFound
//	stop of a finished task    409 AsyncTaskAlreadyFinished
//	closed                     503 ServiceUnavailable   ErrClosed
//	queue/store unavailable    503 ServiceUnavailable   ErrUnavailable
//
// # Lifecycle
//
// New connects and creates the stream and bucket; Start begins executing;
// Close stops submissions and fetching, drains the executions in progress
// within its context (abandoning the rest to run again later), then closes
// the connection and shuts the embedded server down. Goroutines: the scanner
// and the workers (Service.loops), the executions (Service.execs), and one
// progress reporter per running execution, owned by it. Lock order:
// Service.mu, then nothing; runningSet.mu is a leaf.
package async
