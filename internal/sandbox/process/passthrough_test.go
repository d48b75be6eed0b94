package process_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// syncLog is a Spec.Logs writer safe for the engine's writer and a reader.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startPassthrough starts tests/testdata/functions/http-stream-custom (a
// Node.js custom runtime, see its server.js) with the given timeout.
func startPassthrough(t *testing.T, e *process.Engine, timeout time.Duration) (sandbox.Instance, *syncLog) {
	t.Helper()
	if !slices.Contains(e.Runtimes(), "custom.debian12") {
		t.Skip("this host offers no custom runtime")
	}
	code, _ := filepath.Abs(filepath.Join("..", "..", "..", "tests", "testdata", "functions", "http-stream-custom"))
	logs := &syncLog{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inst, err := e.Start(ctx, &sandbox.Spec{Runtime: "custom.debian12", Handler: "index.handler", CodeDir: code,
		Function: "passthrough", MemoryMB: 256, Timeout: timeout, Logs: logs})
	if err != nil {
		t.Fatalf("Start = %v", err)
	}
	t.Cleanup(func() { inst.Stop(context.Background()) })
	return inst, logs
}

// pass invokes inst with an HTTP request and returns the result, whose
// Stream the caller closes.
func pass(t *testing.T, inst sandbox.Instance, id, method, target string, h http.Header, body io.Reader, n int64) *sandbox.Result {
	t.Helper()
	res, err := inst.Invoke(context.Background(), &sandbox.Invocation{RequestID: id,
		HTTP: &sandbox.HTTPRequest{Method: method, Target: target, Header: h, Body: body, ContentLength: n}})
	if err != nil {
		t.Fatalf("Invoke %s %s = %v", method, target, err)
	}
	if res.Stream == nil {
		t.Fatalf("Invoke %s %s: no stream; result %d %s %q", method, target, res.Status, res.ErrorType, res.Body)
	}
	return res
}

func readStream(t *testing.T, res *sandbox.Result) []byte {
	t.Helper()
	defer res.Stream.Close()
	b, err := io.ReadAll(res.Stream)
	if err != nil {
		t.Fatalf("read stream: %v", err)
	}
	return b
}

func TestPassthrough(t *testing.T) {
	for _, isolation := range []string{process.IsolationSandbox, process.IsolationNone} {
		t.Run(isolation, func(t *testing.T) {
			e := newEngine(t, isolation)
			inst, logs := startPassthrough(t, e, 30*time.Second)

			t.Run("request", func(t *testing.T) {
				h := http.Header{"Host": {"app.example"}, "X-Custom": {"a", "b"}, "X-Fc-Instance-Id": {"spoofed"}}
				res := pass(t, inst, "req-echo", "DELETE", "/echo/x%20y?q=1&q=2", h, strings.NewReader("abc"), 3)
				var seen struct {
					Method, URL string
					Headers     map[string]string
					BodyLength  int
				}
				if err := json.Unmarshal(readStream(t, res), &seen); err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"host": "app.example", "x-custom": "a, b", "x-fc-instance-id": inst.ID(),
					"x-fc-request-id": "req-echo", "x-fc-function-name": "passthrough", "content-length": "3"}
				for k, v := range want {
					if seen.Headers[k] != v {
						t.Errorf("header %s = %q, want %q", k, seen.Headers[k], v)
					}
				}
				if seen.Method != "DELETE" || seen.URL != "/echo/x%20y?q=1&q=2" || seen.BodyLength != 3 {
					t.Errorf("runtime saw %s %s with %d bytes, want DELETE /echo/x%%20y?q=1&q=2 with 3", seen.Method, seen.URL, seen.BodyLength)
				}
				if res.Status != 200 || res.Header.Get("Content-Type") != "application/json" || res.Header.Get("Content-Length") == "" {
					t.Errorf("result %d %v, want 200 with the runtime's Content-Type and Content-Length", res.Status, res.Header)
				}
			})

			t.Run("binary", func(t *testing.T) {
				body := make([]byte, 3<<20+7)
				rand.Read(body)
				for _, n := range []int64{int64(len(body)), -1} { // with a length, and chunked
					res := pass(t, inst, "req-bin", "POST", "/binary", http.Header{}, bytes.NewReader(body), n)
					if got := readStream(t, res); !bytes.Equal(got, body) {
						t.Errorf("length %d: got %d bytes back, want the same %d", n, len(got), len(body))
					}
				}
			})

			t.Run("stream", func(t *testing.T) {
				// "last" is written only after /release, sent once "first"
				// was read: a buffered answer would time out instead.
				res := pass(t, inst, "req-stream", "GET", "/stream", nil, nil, 0)
				br := bufio.NewReader(res.Stream)
				if line, err := br.ReadString('\n'); line != "first\n" {
					t.Fatalf("first line %q, %v", line, err)
				}
				rel := pass(t, inst, "req-release", "GET", "/release", nil, nil, 0)
				readStream(t, rel)
				rest, err := io.ReadAll(br)
				res.Stream.Close()
				if err != nil || string(rest) != "last\n" {
					t.Errorf("rest %q, %v; want %q", rest, err, "last\n")
				}
				if b, ok := res.Stream.(sandbox.BrokenReporter); !ok || b.Broken() {
					t.Errorf("a stream read to its end reports broken (or cannot say)")
				}
				// The log reaches Spec.Logs through the capture: poll.
				for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "FC Invoke End RequestId: req-stream"); {
					if time.Now().After(deadline) {
						t.Fatalf("log lacks the end marker of the streamed invocation:\n%s", logs.String())
					}
					time.Sleep(10 * time.Millisecond)
				}
			})
		})
	}
}

func TestPassthroughTimeout(t *testing.T) {
	e := newEngine(t, process.IsolationNone)
	inst, _ := startPassthrough(t, e, time.Second)
	res := pass(t, inst, "req-slow", "GET", "/stream", nil, nil, 0)
	br := bufio.NewReader(res.Stream)
	if line, _ := br.ReadString('\n'); line != "first\n" {
		t.Fatalf("first line %q, want %q", line, "first\n")
	}
	if _, err := io.ReadAll(br); err == nil {
		t.Errorf("reading past the time-out succeeded, want an error")
	}
	res.Stream.Close()
	if b := res.Stream.(sandbox.BrokenReporter); !b.Broken() {
		t.Errorf("a stream cut by the time-out is not broken")
	}
	select {
	case <-inst.Done():
	case <-time.After(30 * time.Second):
		t.Errorf("the instance still runs after its stream timed out")
	}
}

// TestPassthroughStalledUpload: a caller that stops sending its request body
// is cut off at the function's deadline (through BodyDeadline), not whenever
// it gives up; the invocation says the body could not be read, and the
// instance serves the next request.
func TestPassthroughStalledUpload(t *testing.T) {
	e := newEngine(t, process.IsolationNone)
	inst, _ := startPassthrough(t, e, time.Second)
	client, body := net.Pipe()
	defer client.Close()
	go client.Write([]byte("abc")) // then nothing more: the caller stalls
	done := make(chan *sandbox.Result, 1)
	go func() {
		res, err := inst.Invoke(context.Background(), &sandbox.Invocation{RequestID: "req-stalled",
			HTTP: &sandbox.HTTPRequest{Method: "POST", Target: "/upload", Body: body, ContentLength: 100,
				BodyDeadline: func(d time.Time) { body.SetReadDeadline(d) }}})
		if err != nil {
			t.Errorf("Invoke = %v", err)
		}
		done <- res
	}()
	select {
	case res := <-done:
		if res == nil {
			return
		}
		if res.Broken || res.ErrorType != sandbox.ErrorUnhandled || !bytes.Contains(res.Body, []byte("could not be read")) {
			t.Errorf("got broken %v, %q %s; want an unbroken error about the body", res.Broken, res.ErrorType, res.Body)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("a stalled upload held the invocation past its 1 s timeout")
	}
	if got := readStream(t, pass(t, inst, "req-next", "GET", "/echo", nil, nil, 0)); !bytes.Contains(got, []byte(`"method":"GET"`)) {
		t.Errorf("the next request got %s", got)
	}
}
