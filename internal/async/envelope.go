package async

import (
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
)

// Headers of a queued invocation; the body is the payload. A message carries
// everything needed to run the task, so that a task whose record is gone
// (past TaskRetention) still runs.
const (
	hdrAccount   = "Yun-Account"
	hdrFunction  = "Yun-Function"
	hdrQualifier = "Yun-Qualifier"
	hdrTask      = "Yun-Task-Id"
	hdrRequest   = "Yun-Request-Id"
	hdrChain     = "Yun-Chain"
	hdrAccepted  = "Yun-Accepted" // epoch ms, the record's startedTime
)

// envelope is a queued invocation as read from its message.
type envelope struct {
	ref                          fnRef
	qualifier, taskID, requestID string
	chain                        int
	accepted                     time.Time
	payload                      []byte
}

func (e *envelope) key() string { return e.ref.taskKey(e.taskID) }

// message is the queued form of a task.
func message(r *record, payload []byte) *nats.Msg {
	m := nats.NewMsg(r.ref().subject())
	m.Data = payload
	m.Header.Set(hdrAccount, r.Account)
	m.Header.Set(hdrFunction, r.Function)
	m.Header.Set(hdrQualifier, r.Task.Qualifier)
	m.Header.Set(hdrTask, r.Task.TaskID)
	m.Header.Set(hdrRequest, r.Task.RequestID)
	m.Header.Set(hdrChain, strconv.Itoa(r.Chain))
	m.Header.Set(hdrAccepted, strconv.FormatInt(r.Task.StartedTime, 10))
	return m
}

// readEnvelope parses a delivered message; an error means the message was
// not written by this package and can never run.
func readEnvelope(h nats.Header, data []byte) (*envelope, error) {
	e := &envelope{
		ref:       fnRef{h.Get(hdrAccount), h.Get(hdrFunction)},
		qualifier: h.Get(hdrQualifier), taskID: h.Get(hdrTask), requestID: h.Get(hdrRequest),
		payload: data,
	}
	chain, err1 := strconv.Atoi(h.Get(hdrChain))
	at, err2 := strconv.ParseInt(h.Get(hdrAccepted), 10, 64)
	if err := e.ref.valid(); err != nil || err1 != nil || err2 != nil || e.taskID == "" || e.qualifier == "" {
		return nil, fmt.Errorf("malformed async message for %s task %q", e.ref, e.taskID)
	}
	e.chain, e.accepted = chain, time.UnixMilli(at)
	return e, nil
}

// rebuild makes the record of a task whose record is gone.
func (e *envelope) rebuild(arn string, seq uint64) *record {
	r := newRecord(e.ref, arn, e.qualifier, e.requestID, e.taskID, e.chain, e.accepted)
	r.Seq = seq
	return r
}
