package api

import (
	"net/http"

	"github.com/yun-fc/yun/internal/async"
	"github.com/yun-fc/yun/internal/fc"
)

// invokeWebAsync queues an HTTP request's event for asynchronous invocation
// (X-Fc-Invocation-Type: Async, fc3-api.md §8.5) and answers 202 with the
// task id once the queue has stored it. The payload limit is FC's 128 KB
// for async events; the function's answer goes to the task record and the
// async destinations, not to the caller.
func (s *Server) invokeWebAsync(w http.ResponseWriter, r *http.Request, rt *webRoute, event []byte) error {
	if s.async == nil {
		return fc.Errorf(http.StatusServiceUnavailable, fc.CodeServiceUnavailable, "asynchronous invocation is not available on this node")
	}
	ctx, taskID := r.Context(), r.Header.Get("x-fc-async-task-id")
	if err := fc.CallerTaskID(taskID); err != nil {
		return err
	}
	acc, err := s.async.Submit(ctx, &async.Submission{AccountID: rt.account, Function: rt.function, Qualifier: rt.qualifier,
		RequestID: requestID(ctx), TaskID: taskID, Payload: event})
	if err != nil {
		return err
	}
	if rt.cors != nil {
		rt.cors.decorate(w.Header(), r.Header.Get("Origin"))
	}
	w.Header().Set("x-fc-async-task-id", acc.TaskID)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusAccepted)
	return nil
}
