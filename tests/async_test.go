package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/async"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// asyncInvoke submits an async invocation and returns its task id.
func asyncInvoke(t *testing.T, c *client.Client, name, body, taskID string) (string, error) {
	t.Helper()
	opt := client.InvokeOptions{Async: true, Body: []byte(body)}
	if taskID != "" {
		opt.Header = http.Header{"X-Fc-Async-Task-Id": {taskID}}
	}
	res, err := c.Invoke(context.Background(), name, opt)
	if err != nil {
		return "", err
	}
	if res.Status != http.StatusAccepted || res.Header.Get("x-fc-async-task-id") == "" || res.RequestID == "" {
		t.Fatalf("async invoke: got status %d headers %v, want 202 with a task id and request id", res.Status, res.Header)
	}
	return res.Header.Get("x-fc-async-task-id"), nil
}

func getTask(t *testing.T, c *client.Client, name, id string) *fc.AsyncTask {
	t.Helper()
	var task fc.AsyncTask
	if err := c.Do(context.Background(), client.Op{Action: "GetAsyncTask", Method: "GET",
		Path: "/functions/" + name + "/async-tasks/" + id}, nil, &task); err != nil {
		t.Fatalf("get task %s: %v", id, err)
	}
	return &task
}

// waitTask polls a task until it reaches a final status.
func waitTask(t *testing.T, c *client.Client, name, id string, within time.Duration) *fc.AsyncTask {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		task := getTask(t, c, name, id)
		if fc.AsyncFinal(task.Status) || time.Now().After(deadline) {
			return task
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func putAsyncConfig(t *testing.T, c *client.Client, name string, in fc.PutAsyncInvokeConfigInput) {
	t.Helper()
	if err := c.Do(context.Background(), client.Op{Action: "PutAsyncInvokeConfig", Method: "PUT",
		Path: "/functions/" + name + "/async-invoke-config", Query: url.Values{"qualifier": {"LATEST"}}}, in, nil); err != nil {
		t.Fatalf("put async config: %v", err)
	}
}

// TestAsyncInvoke: accepted invocations run, retries are observed, the
// destinations are reached and a task id is idempotent.
func TestAsyncInvoke(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	hooks := make(chan async.DestinationRecord, 10)
	webhook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rec async.DestinationRecord
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Errorf("webhook body %q: %v", b, err)
		}
		hooks <- rec
	}))
	defer webhook.Close()

	if _, err := c.CreateFunction(ctx, fn("flaky", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-flaky"))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateFunction(ctx, fn("broken", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-error"))); err != nil {
		t.Fatal(err)
	}
	putAsyncConfig(t, c, "flaky", fc.PutAsyncInvokeConfigInput{MaxAsyncRetryAttempts: ptr(3),
		DestinationConfig: &fc.DestinationConfig{OnSuccess: &fc.Destination{Destination: webhook.URL}}})

	t.Run("retries then succeeds", func(t *testing.T) {
		id, err := asyncInvoke(t, c, "flaky", "hello", "order_1")
		if err != nil || id != "order_1" {
			t.Fatalf("got %q, %v; want task order_1", id, err)
		}
		task := waitTask(t, c, "flaky", id, time.Minute)
		if task.Status != fc.AsyncSucceeded || task.AlreadyRetriedTimes != 2 {
			t.Fatalf("task: got %s after %d retries, want Succeeded after 2 (events %+v)", task.Status, task.AlreadyRetriedTimes, task.Events)
		}
		select {
		case rec := <-hooks:
			if rec.RequestContext.Condition != "" || !strings.Contains(rec.ResponsePayload, "ok after 2 retries: hello") {
				t.Errorf("onSuccess record: got %+v", rec)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the onSuccess webhook was not called")
		}
		_, err = asyncInvoke(t, c, "flaky", "again", "order_1")
		assertAPIError(t, err, 409, fc.CodeAsyncTaskAlreadyExists, "order_1")
	})

	t.Run("retries exhausted reach onFailure", func(t *testing.T) {
		putAsyncConfig(t, c, "broken", fc.PutAsyncInvokeConfigInput{MaxAsyncRetryAttempts: ptr(1),
			DestinationConfig: &fc.DestinationConfig{OnFailure: &fc.Destination{Destination: webhook.URL}}})
		id, err := asyncInvoke(t, c, "broken", "{}", "")
		if err != nil {
			t.Fatal(err)
		}
		task := waitTask(t, c, "broken", id, time.Minute)
		if task.Status != fc.AsyncFailed || task.AlreadyRetriedTimes != 1 || !strings.Contains(task.TaskErrorMessage+task.ReturnPayload, "boom") {
			t.Fatalf("task: got %+v, want Failed after 1 retry with the error", task)
		}
		select {
		case rec := <-hooks:
			if rec.RequestContext.Condition != "UnhandledInvocationError" || rec.RequestContext.ApproximateInvokeCount != 2 {
				t.Errorf("onFailure record: got %+v", rec)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the onFailure webhook was not called")
		}
	})

	t.Run("list and limits", func(t *testing.T) {
		var list fc.ListAsyncTaskOutput
		if err := c.Do(ctx, client.Op{Action: "ListAsyncTasks", Method: "GET", Path: "/functions/flaky/async-tasks",
			Query: url.Values{"status": {"Succeeded"}, "includePayload": {"true"}}}, nil, &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Tasks) != 1 || list.Tasks[0].TaskID != "order_1" || list.Tasks[0].TaskPayload != "hello" {
			t.Errorf("ListAsyncTasks Succeeded: got %+v", list.Tasks)
		}
		_, err := asyncInvoke(t, c, "flaky", strings.Repeat("x", fc.MaxAsyncPayload+1), "")
		assertAPIError(t, err, 400, "EntityTooLarge", "")
		_, err = asyncInvoke(t, c, "flaky", "{}", "9bad")
		assertAPIError(t, err, 400, "InvalidArgument", "9bad")
		_, err = asyncInvoke(t, c, "missing", "{}", "")
		assertAPIError(t, err, 404, "FunctionNotFound", "missing")
	})
}

// TestAsyncCrash: async invocations accepted while yun server is killed with
// SIGKILL part-way and restarted all run, and end Succeeded.
func TestAsyncCrash(t *testing.T) {
	const total, killAfter, workers = 1000, 300, 16
	dataDir := t.TempDir()
	n := startNode(t, dataDir)
	c := n.Client()
	in := fn("work", "nodejs20", "index.handler", zipDir(t, "examples/hello-node"))
	in.InstanceConcurrency = ptr(20)
	if _, err := c.CreateFunction(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	accepted := map[string]bool{}
	submit := func(c *client.Client, from, to int) {
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				for i := range next {
					id := fmt.Sprintf("job_%04d", i)
					if _, err := asyncInvoke(t, c, "work", fmt.Sprintf(`{"name":"%d"}`, i), id); err == nil {
						mu.Lock()
						accepted[id] = true
						mu.Unlock()
					}
				}
			})
		}
		for i := from; i < to; i++ {
			if i == killAfter {
				n.Kill()
			}
			next <- i
		}
		close(next)
		wg.Wait()
	}
	submit(c, 0, total/2) // the server dies after killAfter submissions
	n = startNode(t, dataDir)
	c = n.Client()
	submit(c, total/2, total)
	t.Logf("accepted %d of %d submissions (the others were refused while the server was down)", len(accepted), total)
	if len(accepted) < total/2 {
		t.Fatalf("only %d accepted", len(accepted))
	}

	deadline := time.Now().Add(3 * time.Minute)
	duplicates := 0
	for id := range accepted {
		task := waitTask(t, c, "work", id, time.Until(deadline))
		if task.Status != fc.AsyncSucceeded {
			t.Errorf("task %s: got %s, want Succeeded (events %+v)", id, task.Status, task.Events)
			continue
		}
		runs := 0
		for _, e := range task.Events {
			if e.Status == fc.AsyncRunning {
				runs++
			}
		}
		if runs > 1 {
			duplicates++
		}
	}
	t.Logf("every accepted task Succeeded; %d of %d ran more than once (%.2f%%)", duplicates, len(accepted),
		100*float64(duplicates)/float64(len(accepted)))
}
