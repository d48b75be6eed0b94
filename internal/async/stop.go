package async

import (
	"context"
	"errors"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// errStopRequested is the cause of an execution cancelled by StopTask.
var errStopRequested = errors.New("async task stopped")

// StopTask stops a task. A task that has not started (Enqueued, or Retrying
// while it waits for its backoff) ends Stopped at once and never runs. A
// running task becomes Stopping: its invocation is cancelled, on whichever
// node runs it, and it ends Stopped. Stopping a stopped task does nothing;
// a task that has finished otherwise answers 409 AsyncTaskAlreadyFinished,
// an unknown one 404 AsyncTaskNotFound.
func (s *Service) StopTask(ctx context.Context, accountID, function, taskID string) error {
	f := fnRef{accountID, function}
	if f.valid() != nil || fc.ValidTaskID(taskID) != nil {
		return fc.AsyncTaskNotFound(function, taskID)
	}
	key := f.taskKey(taskID)
	r, err := s.tasks.update(ctx, key, func(r *record) error { return stop(r, s.now()) })
	switch {
	case errors.Is(err, errNoTask):
		return fc.AsyncTaskNotFound(function, taskID)
	case err != nil:
		return storeError(err)
	}
	switch r.Task.Status {
	case fc.AsyncStopping:
		s.running.cancel(key, errStopRequested)
		if err := s.nc.Publish(stopSubject, []byte(key)); err != nil {
			s.log.Warn("stop request not broadcast; the task stops when its attempt ends", "task", key, "err", err)
		}
	case fc.AsyncStopped:
		s.dropMessage(ctx, key, r.Seq)
	}
	return nil
}

// stop is the transition StopTask makes.
func stop(r *record, now time.Time) error {
	switch st := r.Task.Status; {
	case r.Seq == 0:
		return errNoTask
	case st == fc.AsyncStopped || st == fc.AsyncStopping:
		return errNoChange
	case fc.AsyncFinal(st):
		return taskFinished(r.Function, r.Task.TaskID, st)
	case st == fc.AsyncRunning:
		r.event(fc.AsyncStopping, now, "")
	default:
		r.finish(now, fc.AsyncStopped, finalOutcome{})
	}
	return nil
}

// dropMessage removes a stopped task's message from the stream, so that it
// takes no room while it waits; should that fail, its executor skips it.
func (s *Service) dropMessage(ctx context.Context, key string, seq uint64) {
	if err := s.stream.DeleteMsg(ctx, seq); err != nil {
		s.log.Debug("stopped task's message not deleted", "task", key, "seq", seq, "err", err)
	}
}
