package async

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// hookServer is an httptest server that keeps the records POSTed to it. It
// answers fail's status to the first failFirst requests.
type hookServer struct {
	*httptest.Server
	mu        sync.Mutex
	records   []DestinationRecord
	requests  int
	failFirst int
	fail      int
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.requests++
		if h.requests <= h.failFirst {
			w.WriteHeader(h.fail)
			return
		}
		var rec DestinationRecord
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &rec) != nil {
			t.Errorf("webhook got %s %s %q, want a POST of a JSON record", r.Method, r.Header.Get("Content-Type"), body)
		}
		h.records = append(h.records, rec)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) got() ([]DestinationRecord, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]DestinationRecord(nil), h.records...), h.requests
}

// destinationPayload waits for the destination function's invocation and
// decodes the record it carries.
func destinationPayload(t *testing.T, inv *fakeInvoker, fn string) DestinationRecord {
	t.Helper()
	eventually(t, "a call of the destination function "+fn, func() (bool, string) {
		return len(inv.callsTo(fn)) > 0, "no call"
	})
	var rec DestinationRecord
	if err := json.Unmarshal(inv.callsTo(fn)[0].Payload, &rec); err != nil {
		t.Fatalf("destination payload: %v", err)
	}
	return rec
}

func TestDestinations(t *testing.T) {
	arn := "acs:fc:cn-yun:" + testAccount + ":functions/sink"
	tests := []struct {
		name        string
		failures    int // of the source function's calls
		webhook     bool
		onSuccess   bool
		wantStatus  string
		wantCond    string
		wantInvokes int
	}{
		{"onSuccess to a function", 0, false, true, fc.AsyncSucceeded, "", 1},
		{"onFailure to a function", 100, false, false, fc.AsyncFailed, "UnhandledInvocationError", 2},
		{"onSuccess to a webhook", 1, true, true, fc.AsyncSucceeded, "", 2},
		{"onFailure to a webhook", 100, true, false, fc.AsyncFailed, "UnhandledInvocationError", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := newFake(func(ctx context.Context, c *Call, n int) (*Outcome, error) {
				if c.Function == "sink" {
					return &Outcome{}, nil
				}
				return failFirst(tc.failures)(ctx, c, n)
			})
			hook := newHookServer(t)
			dest := arn
			if tc.webhook {
				dest = hook.URL + "/hook"
			}
			configs := &fakeConfigs{}
			if tc.onSuccess {
				configs.set("src", asyncConfig(1, 3600, dest, ""))
			} else {
				configs.set("src", asyncConfig(1, 3600, "", dest))
			}
			s := newService(t, testConfig(t), inv, configs, true)
			a := submit(t, s, "src", "t1", `{"in":1}`)
			task := waitStatus(t, s, "src", "t1", tc.wantStatus)
			eventually(t, "destinationStatus Succeeded", func() (bool, string) {
				task, _ = s.GetTask(context.Background(), testAccount, "src", "t1")
				return task.DestinationStatus == fc.AsyncSucceeded, "destinationStatus " + task.DestinationStatus
			})

			var rec DestinationRecord
			if tc.webhook {
				recs, _ := hook.got()
				if len(recs) != 1 {
					t.Fatalf("webhook got %d records, want 1", len(recs))
				}
				rec = recs[0]
			} else {
				rec = destinationPayload(t, inv, "sink")
			}
			rc := rec.RequestContext
			if rc.RequestID != a.RequestID || rc.FunctionArn != task.FunctionArn || rc.Condition != tc.wantCond ||
				rc.ApproximateInvokeCount != tc.wantInvokes {
				t.Errorf("got requestContext %+v, want request %s, arn %s, condition %q, %d invocations",
					rc, a.RequestID, task.FunctionArn, tc.wantCond, tc.wantInvokes)
			}
			if rec.RequestPayload != `{"in":1}` || rec.ResponseContext.StatusCode != http.StatusOK ||
				rec.ResponseContext.FunctionError != tc.wantCond || rec.Timestamp != task.EndTime {
				t.Errorf("got record %+v, want the request payload, status 200, functionError %q, timestamp %d",
					rec, tc.wantCond, task.EndTime)
			}
		})
	}
}

func TestDestinationOfExpiredEvent(t *testing.T) {
	hook := newHookServer(t)
	configs := &fakeConfigs{}
	configs.set("late", asyncConfig(3, 60, "", hook.URL))
	s := newService(t, testConfig(t), newFake(nil), configs, false)
	submit(t, s, "late", "old", "p")
	s.now = func() time.Time { return time.Now().Add(time.Hour) }
	startService(t, s)
	waitStatus(t, s, "late", "old", fc.AsyncExpired)
	eventually(t, "the onFailure webhook", func() (bool, string) {
		recs, n := hook.got()
		return len(recs) == 1, fmt.Sprintf("%d requests", n)
	})
	recs, _ := hook.got()
	if c := recs[0].RequestContext; c.Condition != "EventAgeExceeded" || c.ApproximateInvokeCount != 0 {
		t.Errorf("got %+v, want condition EventAgeExceeded and no invocation", c)
	}
}

func TestWebhookRetriesThenGivesUp(t *testing.T) {
	tests := []struct {
		name       string
		failFirst  int
		fail       int
		wantStatus string
		wantTries  int
	}{
		{"a 503 then success", 1, http.StatusServiceUnavailable, fc.AsyncSucceeded, 2},
		{"503 every time", 100, http.StatusServiceUnavailable, fc.AsyncFailed, 2},
		{"a 400 is final", 100, http.StatusBadRequest, fc.AsyncFailed, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hook := newHookServer(t)
			hook.failFirst, hook.fail = tc.failFirst, tc.fail
			configs := &fakeConfigs{}
			configs.set("src", asyncConfig(0, 3600, hook.URL, ""))
			s := newService(t, testConfig(t), newFake(nil), configs, true)
			submit(t, s, "src", "t1", "p")
			eventually(t, "destinationStatus "+tc.wantStatus, func() (bool, string) {
				task, err := s.GetTask(context.Background(), testAccount, "src", "t1")
				if err != nil {
					return false, err.Error()
				}
				return task.DestinationStatus == tc.wantStatus, "destinationStatus " + task.DestinationStatus
			})
			if _, n := hook.got(); n != tc.wantTries {
				t.Errorf("got %d POSTs, want %d", n, tc.wantTries)
			}
		})
	}
}

func TestFunctionDestinationRefusals(t *testing.T) {
	tests := []struct {
		name string
		dest string
	}{
		{"another account", "acs:fc:cn-yun:999:functions/sink"},
		{"another region", "acs:fc:cn-hangzhou:" + testAccount + ":functions/sink"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := newFake(nil)
			configs := &fakeConfigs{}
			configs.set("src", asyncConfig(0, 3600, tc.dest, ""))
			s := newService(t, testConfig(t), inv, configs, true)
			submit(t, s, "src", "t1", "p")
			eventually(t, "destinationStatus Failed", func() (bool, string) {
				task, _ := s.GetTask(context.Background(), testAccount, "src", "t1")
				return task.DestinationStatus == fc.AsyncFailed, "destinationStatus " + task.DestinationStatus
			})
			if calls := inv.callsTo("sink"); len(calls) != 0 {
				t.Errorf("got %d calls of the refused destination, want 0", len(calls))
			}
		})
	}
}

func TestDestinationLoopIsBounded(t *testing.T) {
	inv := newFake(nil)
	configs := &fakeConfigs{}
	configs.set("loop", asyncConfig(0, 3600, "acs:fc:cn-yun:"+testAccount+":functions/loop", ""))
	s := newService(t, testConfig(t), inv, configs, true)
	submit(t, s, "loop", "t1", "p")
	eventually(t, "the chain to stop", func() (bool, string) {
		out, err := s.ListTasks(context.Background(), testAccount, "loop", TaskFilter{Limit: 100})
		if err != nil {
			return false, err.Error()
		}
		failed := 0
		for _, task := range out.Tasks {
			if task.DestinationStatus == fc.AsyncFailed {
				failed++
			}
		}
		return len(out.Tasks) == maxChain+1 && failed == 1, fmt.Sprintf("%d tasks, %d refused", len(out.Tasks), failed)
	})
}

func TestFitCutsResponseThenRequest(t *testing.T) {
	big := strings.Repeat("é", fc.MaxAsyncPayload) // 2 bytes each
	tests := []struct {
		name                  string
		request, response     string
		wantRequest, wantResp bool // kept whole
	}{
		{"small record kept whole", "in", "out", true, true},
		{"big response cut", "in", big, true, false},
		{"big request cut after the response", big, big, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := fit(DestinationRecord{RequestPayload: tc.request, ResponsePayload: tc.response}, fc.MaxAsyncPayload)
			var rec DestinationRecord
			if err := json.Unmarshal(b, &rec); err != nil {
				t.Fatalf("fitted record does not decode: %v", err)
			}
			if len(b) > fc.MaxAsyncPayload {
				t.Errorf("got %d bytes, want at most %d", len(b), fc.MaxAsyncPayload)
			}
			if (rec.RequestPayload == tc.request) != tc.wantRequest || (rec.ResponsePayload == tc.response) != tc.wantResp {
				t.Errorf("got request kept %v, response kept %v; want %v, %v",
					rec.RequestPayload == tc.request, rec.ResponsePayload == tc.response, tc.wantRequest, tc.wantResp)
			}
			if !strings.HasPrefix(tc.request, rec.RequestPayload) || !strings.HasPrefix(tc.response, rec.ResponsePayload) {
				t.Errorf("cut payloads are not prefixes of the originals")
			}
		})
	}
}

// TestSlowWebhookDeliveredOnce: a webhook destination that takes longer to
// answer than AckWait (but less than WebhookTimeout) gets the record once:
// the message's progress is reported while it is delivered, so JetStream
// does not hand it out again meanwhile.
func TestSlowWebhookDeliveredOnce(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		time.Sleep(3 * time.Second) // testConfig's AckWait is 2 s, its WebhookTimeout 5 s
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	configs := &fakeConfigs{}
	configs.set("src", asyncConfig(0, 3600, srv.URL, ""))
	s := newService(t, testConfig(t), newFake(nil), configs, true)
	submit(t, s, "src", "t1", "p")
	eventually(t, "destinationStatus Succeeded", func() (bool, string) {
		task, _ := s.GetTask(context.Background(), testAccount, "src", "t1")
		return task.DestinationStatus == fc.AsyncSucceeded, task.DestinationStatus
	})
	time.Sleep(2500 * time.Millisecond) // past another AckWait: a redelivery would have posted again
	if n := posts.Load(); n != 1 {
		t.Errorf("the webhook got %d POSTs for one successful delivery, want 1", n)
	}
}
