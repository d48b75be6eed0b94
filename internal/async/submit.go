package async

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yun-fc/yun/internal/fc"
)

// Submission is one async invocation to accept.
type Submission struct {
	AccountID string
	Function  string
	// Qualifier defaults to LATEST.
	Qualifier string
	// RequestID is generated when empty.
	RequestID string
	// TaskID is the caller's x-fc-async-task-id; generated when empty.
	TaskID  string
	Payload []byte
}

// Accepted is Submit's answer: the ids the caller gets back.
type Accepted struct {
	RequestID string
	TaskID    string
}

// Submit accepts an async invocation. It returns only once the invocation is
// stored durably (JetStream acknowledged it), so an accepted invocation runs
// at least once even if Yun is killed right after. Refusals are *fc.Error:
// 400 EntityTooLarge (payload over 128 KB), 400 InvalidArgument (bad task
// id), 409 AsyncTaskAlreadyExists (the function already has a task with this
// id, so a caller's retry never runs it twice), 503 ServiceUnavailable (closed,
// or the queue cannot be written; nothing was accepted).
func (s *Service) Submit(ctx context.Context, sub *Submission) (*Accepted, error) {
	if s.isClosing() {
		return nil, closedError()
	}
	return s.submit(ctx, sub, 0)
}

// submit accepts a submission; chain counts the destination hops behind it.
// Destinations of executions that Close is draining still get through.
func (s *Service) submit(ctx context.Context, sub *Submission, chain int) (*Accepted, error) {
	f := fnRef{sub.AccountID, sub.Function}
	if err := checkSubmission(f, sub); err != nil {
		return nil, err
	}
	now := s.now()
	r := newRecord(f, s.arn(f), cmp.Or(sub.Qualifier, "LATEST"), cmp.Or(sub.RequestID, newRequestID(now)),
		cmp.Or(sub.TaskID, newTaskID()), chain, now)
	key := f.taskKey(r.Task.TaskID)
	if err := s.refuseKnown(ctx, key, r); err != nil {
		return nil, err
	}
	seq, err := s.publish(ctx, key, r, sub.Payload)
	if err != nil {
		return nil, err
	}
	if err := s.claim(ctx, key, r, seq); err != nil {
		return nil, err
	}
	s.ensureWorker(f)
	return &Accepted{RequestID: r.Task.RequestID, TaskID: r.Task.TaskID}, nil
}

func checkSubmission(f fnRef, sub *Submission) error {
	if len(sub.Payload) > fc.MaxAsyncPayload {
		return payloadTooLarge(len(sub.Payload))
	}
	if err := f.valid(); err != nil {
		return err
	}
	if sub.TaskID != "" {
		return fc.ValidTaskID(sub.TaskID)
	}
	return nil
}

// refuseKnown refuses a task id that already has a record, before anything
// is written (claim decides in the end; this spares the common repeat a
// message).
func (s *Service) refuseKnown(ctx context.Context, key string, r *record) error {
	_, _, err := s.tasks.get(ctx, key)
	switch {
	case err == nil:
		return taskExists(r.Function, r.Task.TaskID)
	case errors.Is(err, errNoTask):
		return nil
	}
	return unavailable(err)
}

// publish stores the task's message, and meanwhile its payload for
// GetAsyncTask; it returns the message's stream sequence once JetStream has
// acknowledged it. A message with the same id within the dedup window is not
// stored again: its sequence comes back instead.
func (s *Service) publish(ctx context.Context, key string, r *record, payload []byte) (uint64, error) {
	var wg sync.WaitGroup
	var putErr error
	wg.Go(func() { putErr = s.storeBlob(ctx, key, payloadSuffix, payload) })
	ack, err := s.js.PublishMsg(ctx, message(r, payload), jetstream.WithMsgID(key), jetstream.WithExpectStream(streamName))
	wg.Wait()
	if isQueueFull(err) {
		return 0, queueFull(r.Function, s.cfg.MaxQueuedPerFunction)
	}
	if err != nil {
		return 0, unavailable(fmt.Errorf("publish task %s: %w", key, err))
	}
	if putErr != nil {
		s.log.Warn("async task payload not stored; GetAsyncTask will not show it", "task", key, "err", putErr)
	}
	return ack.Sequence, nil
}

// claim creates the task's record for the message seq. If the record exists,
// the submission is accepted only if the record is for the same message (its
// executor, or a concurrent submission of the same id, got there first);
// otherwise the id was taken, and the executor will skip message seq. Once
// the message is stored the invocation is accepted: if the record cannot be
// written, the executor writes it.
func (s *Service) claim(ctx context.Context, key string, r *record, seq uint64) error {
	r.Seq = seq
	err := s.tasks.create(ctx, key, r)
	if errors.Is(err, jetstream.ErrKeyExists) {
		var old *record
		if old, _, err = s.tasks.get(ctx, key); err == nil && old.Seq != seq {
			return taskExists(r.Function, r.Task.TaskID)
		}
	}
	if err != nil {
		s.log.Warn("async task accepted but its record not written; its executor writes it", "task", key, "err", err)
	}
	return nil
}

func (s *Service) storeBlob(ctx context.Context, key, suffix string, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if err := s.tasks.putBlob(ctx, key, suffix, data); err != nil {
		return unavailable(err)
	}
	return nil
}

func (s *Service) arn(f fnRef) string { return fc.FunctionARN(s.cfg.Region, f.account, f.function) }

// newTaskID makes a task id that fc.ValidTaskID accepts.
func newTaskID() string { return "t" + randomHex(16) }

// newRequestID has the shape of FC 3.0 request ids: 1-{unix seconds hex}-{random}.
func newRequestID(now time.Time) string {
	return fmt.Sprintf("1-%x-%s", now.Unix(), randomHex(12))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
