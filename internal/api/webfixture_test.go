package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	fsblob "github.com/yun-fc/yun/internal/blob/fs"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
	"github.com/yun-fc/yun/internal/store"
	"github.com/yun-fc/yun/internal/store/bolt"
)

// webFixture is an API server over a real bbolt store with a fake
// scheduler, for the trigger and custom-domain tests. Its public URL is
// http://api.yun.test, reached through the test server. Account 1001 (key
// AKWEB1) is the caller; account 1002 (AKWEB2) is a neighbour.
type webFixture struct {
	t     testing.TB
	srv   *Server
	url   string
	api   *client.Client
	sched *fakeWebScheduler
	hooks *hookRecorder
}

// fakeWebScheduler answers invocations with reply, by default echoing the
// invocation body (so a web test sees the event it produced). Methods of
// the invoker interface it does not override panic if called.
type fakeWebScheduler struct {
	invoker
	mu    sync.Mutex
	calls []*scheduler.Target
	reply func(t *scheduler.Target, inv *sandbox.Invocation) *sandbox.Result
}

func (f *fakeWebScheduler) Invoke(_ context.Context, t *scheduler.Target, inv *sandbox.Invocation) (*sandbox.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, t)
	reply := f.reply
	f.mu.Unlock()
	if reply != nil {
		return reply(t, inv), nil
	}
	return &sandbox.Result{Status: http.StatusOK, Body: inv.Body}, nil
}

func (f *fakeWebScheduler) Retire(string)     {}
func (f *fakeWebScheduler) RetireKeys(string) {}

func (f *fakeWebScheduler) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeWebScheduler) setReply(r func(*scheduler.Target, *sandbox.Invocation) *sandbox.Result) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply = r
}

type hookCall struct {
	account, function, trigger string
	deleted                    bool
}

type hookRecorder struct {
	mu    sync.Mutex
	calls []hookCall
}

func (h *hookRecorder) record(_ context.Context, account, function string, t *fc.Trigger, deleted bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, hookCall{account, function, t.TriggerName, deleted})
}

func (h *hookRecorder) last() hookCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.calls) == 0 {
		return hookCall{}
	}
	return h.calls[len(h.calls)-1]
}

func newWebFixture(t testing.TB) *webFixture {
	t.Helper()
	dir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := fsblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, a := range []struct{ id, key, secret string }{{"1001", "AKWEB1", "secret-1"}, {"1002", "AKWEB2", "secret-2"}} {
		// Flow control is not what these tests are about (and benchmarks
		// would hit it): generous limits.
		limits := store.Limits{RequestsPerSecond: 1e9, Burst: 1e9, MaxConcurrentRequests: 1e6}
		if err := st.PutAccount(ctx, &store.Account{ID: a.id, Name: "acct-" + a.id, Limits: limits}); err != nil {
			t.Fatal(err)
		}
		if err := st.PutAccessKey(ctx, &store.AccessKey{ID: a.key, Secret: a.secret, AccountID: a.id}); err != nil {
			t.Fatal(err)
		}
	}
	f := &webFixture{t: t, sched: &fakeWebScheduler{}, hooks: &hookRecorder{}}
	f.srv = New(Config{Region: "cn-test", PublicURL: "http://api.yun.test"}, Deps{Store: st, Blobs: blobs, Scheduler: f.sched,
		Runtimes: []string{"nodejs20", "python3.10", "custom.debian12"}})
	f.srv.triggerHook = f.hooks.record
	ts := httptest.NewServer(f.srv)
	t.Cleanup(ts.Close)
	f.url = ts.URL
	f.api = client.New(ts.URL, "AKWEB1", "secret-1")
	return f
}

func (f *webFixture) createFunction(name, runtime string) {
	f.t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("index.js")
	io.WriteString(w, "exports.handler = async (e) => e;\n")
	zw.Close()
	handler := "index.handler"
	in := &fc.FunctionInput{FunctionName: &name, Runtime: &runtime, Handler: &handler,
		Code: &fc.InputCodeLocation{ZipFile: base64.StdEncoding.EncodeToString(buf.Bytes())}}
	if _, err := f.api.CreateFunction(context.Background(), in); err != nil {
		f.t.Fatalf("create function %s: %v", name, err)
	}
}

// do calls an API operation under /2023-03-30 with the fixture's key;
// path may carry a query.
func (f *webFixture) do(method, path string, in, out any) error {
	path, rawQuery, _ := strings.Cut(path, "?")
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		f.t.Fatal(err)
	}
	op := client.Op{Action: "Test", Method: method, Path: path, Query: query}
	return f.api.Do(context.Background(), op, in, out)
}

func (f *webFixture) createTrigger(function string, in map[string]any) (*fc.Trigger, error) {
	out := new(fc.Trigger)
	return out, f.do("POST", "/functions/"+function+"/triggers", in, out)
}

// mustTrigger creates an HTTP trigger with the given triggerConfig object.
func (f *webFixture) mustTrigger(function, name, qualifier string, config map[string]any) *fc.Trigger {
	f.t.Helper()
	b, _ := json.Marshal(config)
	t, err := f.createTrigger(function, map[string]any{"triggerName": name, "triggerType": "http",
		"qualifier": qualifier, "triggerConfig": string(b)})
	if err != nil {
		f.t.Fatalf("create trigger %s: %v", name, err)
	}
	return t
}

// webResult is a plain-HTTP answer.
type webResult struct {
	status int
	header http.Header
	body   []byte
}

// event decodes the echoed event of a default fake invocation.
func (r *webResult) event(t *testing.T) httpEvent {
	t.Helper()
	var ev httpEvent
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatalf("status %d body %q is not an echoed event: %v", r.status, r.body, err)
	}
	return ev
}

// fcError decodes FC's error JSON.
func (r *webResult) fcError(t *testing.T) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(r.body, &e); err != nil || e.Code == "" {
		t.Fatalf("status %d body %q is not FC error JSON", r.status, r.body)
	}
	return e
}

// send makes a plain HTTP request; prepare may change it (headers, Host,
// signature) before it goes.
func (f *webFixture) send(method, target string, body []byte, prepare func(*http.Request)) *webResult {
	f.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = f.url + target
	}
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if prepare != nil {
		prepare(req)
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &webResult{status: resp.StatusCode, header: resp.Header, body: b}
}

// apiError unwraps a client error.
func apiError(t *testing.T, err error) *client.Error {
	t.Helper()
	var ce *client.Error
	if !errors.As(err, &ce) {
		t.Fatalf("got error %v, want an API error", err)
	}
	return ce
}
