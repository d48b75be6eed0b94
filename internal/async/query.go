package async

import (
	"context"
	"errors"

	"github.com/yun-fc/yun/internal/fc"
)

// GetTask returns a task with its payload and result, or 404
// AsyncTaskNotFound. A task is visible once Submit has accepted it.
func (s *Service) GetTask(ctx context.Context, accountID, function, taskID string) (*fc.AsyncTask, error) {
	f := fnRef{accountID, function}
	if f.valid() != nil || fc.ValidTaskID(taskID) != nil {
		return nil, fc.AsyncTaskNotFound(function, taskID)
	}
	key := f.taskKey(taskID)
	r, _, err := s.tasks.get(ctx, key)
	if errors.Is(err, errNoTask) || err == nil && r.Seq == 0 {
		return nil, fc.AsyncTaskNotFound(function, taskID)
	}
	if err != nil {
		return nil, storeError(err)
	}
	t := r.Task
	if err := s.fillPayloads(ctx, key, &t); err != nil {
		return nil, storeError(err)
	}
	return &t, nil
}

// ListTasks lists a function's tasks; see TaskFilter.
func (s *Service) ListTasks(ctx context.Context, accountID, function string, filter TaskFilter) (*fc.ListAsyncTaskOutput, error) {
	q, err := filter.query()
	if err != nil {
		return nil, err
	}
	f := fnRef{accountID, function}
	if err := f.valid(); err != nil {
		return nil, err
	}
	recs, err := s.tasks.list(ctx, f)
	if err != nil {
		return nil, storeError(err)
	}
	page, next := q.page(recs)
	out := &fc.ListAsyncTaskOutput{Tasks: make([]*fc.AsyncTask, 0, len(page)), NextToken: next}
	for _, r := range page {
		t := r.Task
		if filter.IncludePayload {
			if err := s.fillPayloads(ctx, f.taskKey(t.TaskID), &t); err != nil {
				return nil, storeError(err)
			}
		}
		out.Tasks = append(out.Tasks, &t)
	}
	return out, nil
}

func (s *Service) fillPayloads(ctx context.Context, key string, t *fc.AsyncTask) error {
	payload, err := s.tasks.blob(ctx, key, payloadSuffix)
	if err != nil {
		return err
	}
	result, err := s.tasks.blob(ctx, key, resultSuffix)
	if err != nil {
		return err
	}
	t.TaskPayload, t.ReturnPayload = string(payload), string(result)
	return nil
}
