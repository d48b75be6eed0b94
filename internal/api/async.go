package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/yun-fc/yun/internal/async"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
	"github.com/yun-fc/yun/internal/store"
)

// kindAsyncConfig stores async invoke configs: {function}/{qualifier}.
const kindAsyncConfig = "asyncconfig"

// asyncQueue is what the API needs of the async service.
type asyncQueue interface {
	Submit(ctx context.Context, sub *async.Submission) (*async.Accepted, error)
	GetTask(ctx context.Context, accountID, function, taskID string) (*fc.AsyncTask, error)
	ListTasks(ctx context.Context, accountID, function string, filter async.TaskFilter) (*fc.ListAsyncTaskOutput, error)
	StopTask(ctx context.Context, accountID, function, taskID string) error
}

// SetAsync connects the async service; until then async invocations are
// refused. (The service needs the API as its Invoker, so it is made after.)
func (s *Server) SetAsync(q asyncQueue) { s.async = q }

func (s *Server) asyncRoutes() {
	p := "/2023-03-30"
	s.handle("PUT "+p+"/functions/{name}/async-invoke-config", s.putAsyncConfig)
	s.handle("GET "+p+"/functions/{name}/async-invoke-config", s.getAsyncConfig)
	s.handle("DELETE "+p+"/functions/{name}/async-invoke-config", s.deleteAsyncConfig)
	s.handle("GET "+p+"/async-invoke-configs", s.listAsyncConfigs)
	s.handle("GET "+p+"/functions/{name}/async-tasks/{taskId}", s.getAsyncTask)
	s.handle("GET "+p+"/functions/{name}/async-tasks", s.listAsyncTasks)
	s.handle("PUT "+p+"/functions/{name}/async-tasks/{taskId}/stop", s.stopAsyncTask)
}

// invokeAsync accepts an invocation into the durable queue and answers 202
// once it is stored.
func (s *Server) invokeAsync(w http.ResponseWriter, r *http.Request, res *resolved, body []byte, qualifier string) error {
	if s.async == nil {
		return fc.Errorf(http.StatusServiceUnavailable, fc.CodeServiceUnavailable, "asynchronous invocation is not available on this node")
	}
	ctx, taskID := r.Context(), r.Header.Get("x-fc-async-task-id")
	if err := fc.CallerTaskID(taskID); err != nil {
		return err
	}
	acc, err := s.async.Submit(ctx, &async.Submission{AccountID: accountID(ctx), Function: res.fn.FunctionName,
		Qualifier: qualifierOrLatest(qualifier), RequestID: requestID(ctx), TaskID: taskID, Payload: body})
	if err != nil {
		return err
	}
	w.Header().Set("x-fc-async-task-id", acc.TaskID)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func qualifierOrLatest(q string) string {
	if q == "" {
		return fc.Latest
	}
	return q
}

// AsyncInvoker is the API as the async service's Invoker: a task runs like a
// sync call, through resolve and the scheduler.
func (s *Server) AsyncInvoker() async.Invoker { return asyncInvoker{s} }

type asyncInvoker struct{ s *Server }

func (a asyncInvoker) Invoke(ctx context.Context, call *async.Call) (*async.Outcome, error) {
	res, err := a.s.resolve(ctx, call.AccountID, call.Function, call.Qualifier)
	if err != nil {
		if e, ok := fc.AsError(err); ok && e.Status == http.StatusNotFound {
			return nil, errors.Join(async.ErrFunctionGone, err)
		}
		if refusedForGood(err) {
			return nil, errors.Join(async.ErrRefused, err)
		}
		return nil, err
	}
	header := http.Header{"X-Fc-Async-Task-Id": {call.TaskID}, "X-Fc-Retry-Count": {strconv.Itoa(call.Attempt - 1)}}
	out, err := a.s.invoke(ctx, res, &sandbox.Invocation{RequestID: call.RequestID, Body: call.Payload, Header: header})
	if err != nil {
		if errors.Is(err, scheduler.ErrQueueFull) || errors.Is(err, scheduler.ErrQueueTimeout) {
			return nil, errors.Join(async.ErrThrottled, err)
		}
		if e, ok := fc.AsError(err); ok && e.Status == http.StatusTooManyRequests {
			return nil, errors.Join(async.ErrThrottled, err)
		}
		if refusedForGood(err) {
			return nil, errors.Join(async.ErrRefused, err)
		}
		return nil, err
	}
	return &async.Outcome{Body: out.Body, ErrorType: out.ErrorType}, nil
}

// refusedForGood says whether an invocation refused with err would be
// refused again soon: a client error (invocations disabled, an invalid
// request), or a function larger than the node. Other errors (the platform's
// own, a throttle) pass.
func refusedForGood(err error) bool {
	if errors.Is(err, scheduler.ErrNodeMemory) {
		return true
	}
	e, ok := fc.AsError(err)
	return ok && e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests
}

// AsyncConfigs is the API as the async service's ConfigSource, answering
// from memory.
func (s *Server) AsyncConfigs() async.ConfigSource { return asyncConfigs{s} }

type asyncConfigs struct{ s *Server }

func (a asyncConfigs) AsyncConfig(ctx context.Context, account, function, qualifier string) (*fc.AsyncConfig, error) {
	key := qualifiedKey(account, function, qualifierOrLatest(qualifier)) + "#async"
	v, err := a.s.resolved.get(key, func() (any, error) {
		c, err := a.s.loadAsyncConfig(ctx, account, function, qualifierOrLatest(qualifier))
		if errors.Is(err, store.ErrNotFound) {
			return &fc.AsyncConfig{}, nil // cached "none"
		}
		return c, err
	})
	if err != nil {
		return nil, err
	}
	if c := v.(*fc.AsyncConfig); c.FunctionArn != "" {
		return c, nil
	}
	return nil, nil
}

func (s *Server) loadAsyncConfig(ctx context.Context, account, function, qualifier string) (*fc.AsyncConfig, error) {
	d, err := s.store.GetDoc(ctx, account, kindAsyncConfig, function+"/"+qualifier)
	if err != nil {
		return nil, err
	}
	c := new(fc.AsyncConfig)
	return c, json.Unmarshal(d.Value, c)
}

func (s *Server) putAsyncConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	q := qualifierOrLatest(r.URL.Query().Get("qualifier"))
	if _, err := s.resolve(ctx, account, name, q); err != nil {
		return err
	}
	var in fc.PutAsyncInvokeConfigInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := fc.NewAsyncConfig(&in)
	if err != nil {
		return err
	}
	now := s.now().UTC().Format(timeFormat)
	c.FunctionArn = fc.FunctionARN(s.cfg.Region, account, name) + "/" + q
	c.CreatedTime, c.LastModifiedTime = now, now
	if old, err := s.loadAsyncConfig(ctx, account, name, q); err == nil {
		c.CreatedTime = old.CreatedTime
	}
	if err := s.putDoc(ctx, account, kindAsyncConfig, name+"/"+q, c); err != nil {
		return err
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, q) + "#async")
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) getAsyncConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	q := qualifierOrLatest(r.URL.Query().Get("qualifier"))
	if _, err := s.resolve(ctx, account, name, q); err != nil {
		return err
	}
	c, err := s.loadAsyncConfig(ctx, account, name, q)
	if errors.Is(err, store.ErrNotFound) {
		return fc.Errorf(http.StatusNotFound, fc.CodeAsyncConfigNotFound, "function '%s' qualifier '%s' has no async invoke config", name, q)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteAsyncConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	q := qualifierOrLatest(r.URL.Query().Get("qualifier"))
	err := s.store.DeleteDoc(ctx, account, kindAsyncConfig, name+"/"+q)
	if errors.Is(err, store.ErrNotFound) {
		return fc.Errorf(http.StatusNotFound, fc.CodeAsyncConfigNotFound, "function '%s' qualifier '%s' has no async invoke config", name, q)
	}
	if err != nil {
		return err
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, q) + "#async")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listAsyncConfigs lists the account's configs, of one function when
// functionName is given.
func (s *Server) listAsyncConfigs(w http.ResponseWriter, r *http.Request) error {
	ctx, account := r.Context(), accountID(r.Context())
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	prefix := ""
	if fn := r.URL.Query().Get("functionName"); fn != "" {
		prefix = fn + "/"
	}
	docs, err := s.store.ListDocs(ctx, account, kindAsyncConfig, prefix, p.startAfter, p.limit+1)
	if err != nil {
		return err
	}
	out := &fc.ListAsyncInvokeConfigOutput{Configs: []*fc.AsyncConfig{}}
	for i, d := range docs {
		if i == p.limit {
			out.NextToken = nextToken(docs[i-1].Name)
			break
		}
		c := new(fc.AsyncConfig)
		if err := json.Unmarshal(d.Value, c); err != nil {
			return err
		}
		out.Configs = append(out.Configs, c)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// deleteAsyncConfigs drops a deleted function's configs.
func (s *Server) deleteAsyncConfigs(ctx context.Context, account, name string) error {
	return s.deleteDocs(ctx, account, kindAsyncConfig, name+"/")
}

func (s *Server) getAsyncTask(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	if err := s.requireAsync(ctx, account, name); err != nil {
		return err
	}
	t, err := s.async.GetTask(ctx, account, name, r.PathValue("taskId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) listAsyncTasks(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name, q := r.Context(), accountID(r.Context()), r.PathValue("name"), r.URL.Query()
	if err := s.requireAsync(ctx, account, name); err != nil {
		return err
	}
	f := async.TaskFilter{Qualifier: q.Get("qualifier"), Status: q.Get("status"), Prefix: q.Get("prefix"),
		NextToken: q.Get("nextToken"), IncludePayload: q.Get("includePayload") == "true", SortOrderByTime: q.Get("sortOrderByTime")}
	var err error
	if f.Limit, err = optionalInt(q.Get("limit"), "limit"); err != nil {
		return err
	}
	if f.StartedTimeBegin, err = optionalInt64(q.Get("startedTimeBegin"), "startedTimeBegin"); err != nil {
		return err
	}
	if f.StartedTimeEnd, err = optionalInt64(q.Get("startedTimeEnd"), "startedTimeEnd"); err != nil {
		return err
	}
	out, err := s.async.ListTasks(ctx, account, name, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) stopAsyncTask(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	if err := s.requireAsync(ctx, account, name); err != nil {
		return err
	}
	if err := s.async.StopTask(ctx, account, name, r.PathValue("taskId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requireAsync checks that the service runs and the function exists.
func (s *Server) requireAsync(ctx context.Context, account, name string) error {
	if s.async == nil {
		return fc.Errorf(http.StatusServiceUnavailable, fc.CodeServiceUnavailable, "asynchronous invocation is not available on this node")
	}
	_, err := s.resolveVersion(ctx, account, name, fc.Latest)
	return err
}

func optionalInt(v, field string) (int, error) {
	n, err := optionalInt64(v, field)
	return int(n), err
}

func optionalInt64(v, field string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fc.InvalidArgument("%s %q is not an integer", field, v)
	}
	return n, nil
}
