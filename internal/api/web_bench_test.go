package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/acs3"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
)

// BenchmarkServePaths compares the API's own work per request on the
// InvokeFunction path (signature check included) and the HTTP-trigger path
// (event conversion included), with a scheduler that answers at once.
func BenchmarkServePaths(b *testing.B) {
	f := newWebFixture(b)
	f.createFunction("fn", "nodejs20")
	f.mustTrigger("fn", "web", "", map[string]any{"authType": "anonymous", "methods": []string{"GET", "POST"}})
	f.sched.setReply(func(*scheduler.Target, *sandbox.Invocation) *sandbox.Result {
		return &sandbox.Result{Status: 200, Body: []byte("ok")}
	})
	run := func(b *testing.B, newReq func() *http.Request) {
		for b.Loop() {
			w := httptest.NewRecorder()
			f.srv.ServeHTTP(w, newReq())
			if w.Code != 200 {
				b.Fatalf("got %d %s", w.Code, w.Body)
			}
		}
	}
	b.Run("invoke", func(b *testing.B) {
		run(b, func() *http.Request {
			r := httptest.NewRequest("POST", "http://api.yun.test/2023-03-30/functions/fn/invocations", bytes.NewReader(nil))
			r.RequestURI = ""
			acs3.Sign(r, nil, "AKWEB1", "secret-1", time.Now())
			r.RequestURI = "/2023-03-30/functions/fn/invocations"
			return r
		})
	})
	b.Run("trigger", func(b *testing.B) {
		run(b, func() *http.Request {
			return httptest.NewRequest("GET", "http://api.yun.test/yun/http/1001/fn/LATEST/", nil)
		})
	})
}
