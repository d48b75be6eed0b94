package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/async"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
)

func TestHTTPTriggerRequests(t *testing.T) {
	f := newWebFixture(t)
	f.createFunction("echo", "nodejs20")
	f.mustTrigger("echo", "web", "", map[string]any{"authType": "anonymous", "methods": []string{"GET", "POST"},
		"corsConfig": map[string]any{"allowOrigins": []string{"https://app.example"}, "maxAge": 60}})
	base := "/yun/http/1001/echo/LATEST"

	t.Run("GET reaches the function as FC's event", func(t *testing.T) {
		res := f.send("GET", base+"/a%20b/c?x=1&x=2", nil, func(r *http.Request) { r.Header.Set("Origin", "https://app.example") })
		ev := res.event(t)
		if res.status != 200 || ev.RawPath != "/a%20b/c" || ev.RequestContext.HTTP.Path != "/a b/c" || ev.QueryParameters["x"] != "1,2" ||
			ev.RequestContext.HTTP.Method != "GET" || ev.RequestContext.RequestID != res.header.Get("x-fc-request-id") || ev.RequestContext.AccountID != "1001" {
			t.Errorf("got %d %+v, want the path, query, method and request id of the request", res.status, ev)
		}
		if got := res.header.Get("Access-Control-Allow-Origin"); got != "https://app.example" {
			t.Errorf("CORS on a real response: got %q, want the origin", got)
		}
	})

	t.Run("binary body travels as base64", func(t *testing.T) {
		body := []byte{0, 1, 2, 0xfe, 0xff}
		res := f.send("POST", base+"/bin", body, func(r *http.Request) { r.Header.Set("Content-Type", "application/octet-stream") })
		if ev := res.event(t); !ev.IsBase64Encoded || ev.Body != "AAEC/v8=" {
			t.Errorf("got base64 %v body %q, want the body as base64", ev.IsBase64Encoded, ev.Body)
		}
	})

	t.Run("preflight is answered without invoking", func(t *testing.T) {
		before := f.sched.count()
		res := f.send("OPTIONS", base+"/", nil, func(r *http.Request) {
			r.Header.Set("Origin", "https://app.example")
			r.Header.Set("Access-Control-Request-Method", "POST")
		})
		if res.status != 204 || res.header.Get("Access-Control-Allow-Methods") != "GET, POST" || res.header.Get("Access-Control-Max-Age") != "60" || f.sched.count() != before {
			t.Errorf("got %d %v (invocations %d→%d), want 204 with the allowances and no invocation", res.status, res.header, before, f.sched.count())
		}
	})

	t.Run("the function's statusCode, headers and body", func(t *testing.T) {
		f.sched.setReply(func(*scheduler.Target, *sandbox.Invocation) *sandbox.Result {
			return &sandbox.Result{Body: []byte(`{"statusCode":418,"headers":{"X-Tea":"yes","X-Fc-Hidden":"no"},"body":"aGk=","isBase64Encoded":true}`)}
		})
		defer f.sched.setReply(nil)
		res := f.send("GET", base+"/", nil, nil)
		if res.status != 418 || string(res.body) != "hi" || res.header.Get("X-Tea") != "yes" || res.header.Get("X-Fc-Hidden") != "" {
			t.Errorf("got %d %q %v, want 418 hi with X-Tea and without X-Fc-Hidden", res.status, res.body, res.header)
		}
	})

	t.Run("204 carries no body", func(t *testing.T) {
		f.sched.setReply(func(*scheduler.Target, *sandbox.Invocation) *sandbox.Result {
			return &sandbox.Result{Body: []byte(`{"statusCode":204,"body":"ignored"}`)}
		})
		defer f.sched.setReply(nil)
		if res := f.send("GET", base+"/", nil, nil); res.status != 204 || len(res.body) != 0 {
			t.Errorf("got %d %q, want 204 without a body", res.status, res.body)
		}
	})

	t.Run("a user error is a 502 with the error type", func(t *testing.T) {
		f.sched.setReply(func(*scheduler.Target, *sandbox.Invocation) *sandbox.Result {
			return &sandbox.Result{Body: []byte(`{"errorMessage":"boom"}`), ErrorType: sandbox.ErrorUnhandled}
		})
		defer f.sched.setReply(nil)
		res := f.send("GET", base+"/", nil, nil)
		if res.status != 502 || res.header.Get("X-Fc-Error-Type") != "UnhandledInvocationError" || !bytes.Contains(res.body, []byte("boom")) {
			t.Errorf("got %d %v %q, want 502 UnhandledInvocationError", res.status, res.header, res.body)
		}
	})

	long := strings.Repeat("a", 4100)
	cases := []struct {
		name    string
		method  string
		target  string
		prepare func(*http.Request)
		status  int
		code    string
	}{
		{"method not allowed", "DELETE", base + "/", nil, 405, "MethodNotAllowed"},
		{"no trigger for the qualifier", "GET", "/yun/http/1001/echo/prod/", nil, 404, "TriggerNotFound"},
		{"no such function", "GET", "/yun/http/1001/nope/LATEST/", nil, 404, "TriggerNotFound"},
		{"another account's function", "GET", "/yun/http/1002/echo/LATEST/", nil, 404, "TriggerNotFound"},
		{"malformed trigger URL", "GET", "/yun/http/1001/echo", nil, 404, "TriggerNotFound"},
		{"path and query over 4 KB", "GET", base + "/" + long, nil, 400, "InvalidArgument"},
		{"headers over 8 KB", "GET", base + "/", func(r *http.Request) { r.Header.Set("X-Big", strings.Repeat("b", 8200)) }, 400, "InvalidArgument"},
		{"async without an async service", "GET", base + "/", func(r *http.Request) { r.Header.Set("X-Fc-Invocation-Type", "Async") }, 503, "ServiceUnavailable"},
		{"bad invocation type", "GET", base + "/", func(r *http.Request) { r.Header.Set("X-Fc-Invocation-Type", "Later") }, 400, "InvalidArgument"},
		{"preflight from another origin", "OPTIONS", base + "/", func(r *http.Request) {
			r.Header.Set("Origin", "https://evil.example")
			r.Header.Set("Access-Control-Request-Method", "GET")
		}, 403, "AccessDenied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.send(tc.method, tc.target, nil, tc.prepare)
			e := res.fcError(t)
			if res.status != tc.status || e.Code != tc.code || e.RequestID == "" || e.RequestID != res.header.Get("x-fc-request-id") {
				t.Errorf("got %d %+v, want %d %s with the request id", res.status, e, tc.status, tc.code)
			}
		})
	}

	t.Run("custom runtimes get the request itself", func(t *testing.T) {
		f.createFunction("custom", "custom.debian12")
		f.mustTrigger("custom", "web", "", map[string]any{"authType": "anonymous", "methods": []string{"PUT"}})
		var got sandbox.HTTPRequest
		var body []byte
		closed := &closeRecorder{Reader: strings.NewReader("hello"), done: make(chan struct{})}
		f.sched.setReply(func(_ *scheduler.Target, inv *sandbox.Invocation) *sandbox.Result {
			got = *inv.HTTP
			body, _ = io.ReadAll(inv.HTTP.Body) // the engine reads the body while Invoke runs
			h := http.Header{"X-A": {"1"}, "X-Fc-Hidden": {"no"}, "Content-Length": {"5"}}
			return &sandbox.Result{Status: 201, Header: h, Stream: closed}
		})
		defer f.sched.setReply(nil)
		res := f.send("PUT", "/yun/http/1001/custom/LATEST/a%20b/c?x=1&x=2", []byte{0, 1, 0xfe}, func(r *http.Request) {
			r.Header.Set("X-Custom", "v")
			r.Header.Set("X-Fc-Spoofed", "no")
		})
		if got.Method != "PUT" || got.Target != "/a%20b/c?x=1&x=2" || got.Header.Get("X-Custom") != "v" ||
			got.Header.Get("X-Fc-Spoofed") != "" || !bytes.Equal(body, []byte{0, 1, 0xfe}) {
			t.Errorf("function got %s %s %v body %v, want PUT /a%%20b/c?x=1&x=2 with X-Custom, without X-Fc-Spoofed, body 00 01 fe",
				got.Method, got.Target, got.Header, body)
		}
		if res.status != 201 || string(res.body) != "hello" || res.header.Get("X-A") != "1" || res.header.Get("X-Fc-Hidden") != "" ||
			res.header.Get("Content-Length") != "5" {
			t.Errorf("got %d %q %v, want 201 hello with X-A, Content-Length 5 and without X-Fc-Hidden", res.status, res.body, res.header)
		}
		select { // the handler closes the stream once it has answered
		case <-closed.done:
		case <-time.After(10 * time.Second):
			t.Errorf("the stream was not closed")
		}
	})

	t.Run("a custom runtime's failure is a 502", func(t *testing.T) {
		f.sched.setReply(func(*scheduler.Target, *sandbox.Invocation) *sandbox.Result {
			return &sandbox.Result{Status: 200, Body: []byte(`{"errorMessage":"Function timed out after 3 seconds"}`), ErrorType: sandbox.ErrorUnhandled, Broken: true}
		})
		defer f.sched.setReply(nil)
		res := f.send("PUT", "/yun/http/1001/custom/LATEST/", nil, nil)
		if res.status != 502 || res.header.Get("X-Fc-Error-Type") != "UnhandledInvocationError" || !bytes.Contains(res.body, []byte("timed out")) {
			t.Errorf("got %d %v %q, want 502 UnhandledInvocationError", res.status, res.header, res.body)
		}
	})

	t.Run("custom runtimes are not invoked asynchronously", func(t *testing.T) {
		res := f.send("PUT", "/yun/http/1001/custom/LATEST/", nil, func(r *http.Request) { r.Header.Set("X-Fc-Invocation-Type", "Async") })
		if e := res.fcError(t); res.status != 501 || e.Code != "OperationNotSupported" {
			t.Errorf("got %d %+v, want 501 OperationNotSupported", res.status, e)
		}
	})
}

// closeRecorder is a stream whose Close closes done.
type closeRecorder struct {
	io.Reader
	done chan struct{}
}

func (c *closeRecorder) Close() error {
	close(c.done)
	return nil
}

// fakeAsyncQueue records submissions; other asyncQueue methods panic.
type fakeAsyncQueue struct {
	asyncQueue
	mu   sync.Mutex
	subs []*async.Submission
}

func (q *fakeAsyncQueue) Submit(_ context.Context, sub *async.Submission) (*async.Accepted, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.subs = append(q.subs, sub)
	return &async.Accepted{RequestID: sub.RequestID, TaskID: "task-" + strconv.Itoa(len(q.subs))}, nil
}

func TestHTTPTriggerAsync(t *testing.T) {
	f := newWebFixture(t)
	q := &fakeAsyncQueue{}
	f.srv.SetAsync(q)
	f.createFunction("echo", "nodejs20")
	f.mustTrigger("echo", "web", "", map[string]any{"authType": "anonymous", "methods": []string{"POST"}})
	before := f.sched.count()
	res := f.send("POST", "/yun/http/1001/echo/LATEST/jobs?x=1", []byte("work"), func(r *http.Request) {
		r.Header.Set("X-Fc-Invocation-Type", "Async")
	})
	if res.status != 202 || res.header.Get("X-Fc-Async-Task-Id") != "task-1" || f.sched.count() != before {
		t.Fatalf("got %d %v (invocations %d→%d), want 202 with the task id and no sync invocation", res.status, res.header, before, f.sched.count())
	}
	sub := q.subs[0]
	var ev httpEvent
	if err := json.Unmarshal(sub.Payload, &ev); err != nil {
		t.Fatalf("payload %q is not the event: %v", sub.Payload, err)
	}
	if sub.AccountID != "1001" || sub.Function != "echo" || sub.Qualifier != "LATEST" || sub.RequestID != res.header.Get("x-fc-request-id") ||
		ev.RawPath != "/jobs" || ev.Body != "work" || ev.QueryParameters["x"] != "1" {
		t.Errorf("got submission %+v with event %+v, want the request's event for 1001/echo/LATEST", sub, ev)
	}
}

// TestTimerTaskIDsAreReserved: a caller may not choose a task id of the
// timers' form: an anonymous web caller could otherwise take the id of a
// timer's next fire (derived from the trigger and the time) and so stop
// that fire, which would be refused as a duplicate.
func TestTimerTaskIDsAreReserved(t *testing.T) {
	f := newWebFixture(t)
	q := &fakeAsyncQueue{}
	f.srv.SetAsync(q)
	f.createFunction("echo", "nodejs20")
	f.mustTrigger("echo", "web", "", map[string]any{"authType": "anonymous", "methods": []string{"POST"}})
	async := func(id string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("X-Fc-Invocation-Type", "Async")
			r.Header.Set("X-Fc-Async-Task-Id", id)
		}
	}
	res := f.send("POST", "/yun/http/1001/echo/LATEST/", []byte("x"), async("timer_55bb9ccff3ee7fb9_1795541466"))
	if e := res.fcError(t); res.status != 400 || e.Code != "InvalidArgument" || len(q.subs) != 0 {
		t.Errorf("web call with a timer's task id: got %d %s and %d submissions, want 400 InvalidArgument and none", res.status, e.Code, len(q.subs))
	}
	_, err := f.api.Invoke(context.Background(), "echo", client.InvokeOptions{Body: []byte("x"), Async: true,
		Header: http.Header{"X-Fc-Async-Task-Id": {"timer_1_2"}}})
	if ce := apiError(t, err); ce.Status != 400 || ce.Code != "InvalidArgument" || len(q.subs) != 0 {
		t.Errorf("InvokeFunction with a timer's task id: got %v and %d submissions, want 400 InvalidArgument and none", err, len(q.subs))
	}
	if res := f.send("POST", "/yun/http/1001/echo/LATEST/", []byte("x"), async("mine_1")); res.status != 202 || q.subs[0].TaskID != "mine_1" {
		t.Errorf("web call with its own task id: got %d, want 202 and the id kept", res.status)
	}
}
