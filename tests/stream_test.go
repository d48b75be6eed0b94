package tests

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// TestHTTPPassthrough sends plain HTTP requests to HTTP triggers of a
// custom runtime (tests/testdata/functions/http-stream-custom): the
// runtime gets the request as it came, body streamed, and its answer
// streams back; the instance's slot is free again once the answer ended.
func TestHTTPPassthrough(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	code := zipDir(t, "tests/testdata/functions/http-stream-custom")
	for _, f := range []struct {
		name        string
		concurrency int
	}{{"pass-2", 2}, {"pass-1", 1}} {
		in := fn(f.name, "custom.debian12", "index.handler", code)
		in.InstanceConcurrency = ptr(f.concurrency)
		// Room for a cold start on a busy machine (the queue bound is the
		// timeout) and for 32 MB to go through.
		in.Timeout = ptr(60)
		if _, err := c.CreateFunction(ctx, in); err != nil {
			t.Fatalf("create %s: %v", f.name, err)
		}
	}
	anon := `{"authType":"anonymous","methods":["GET","POST","PUT","PATCH","DELETE"]}`
	url2 := createHTTPTrigger(t, c, "pass-2", "web", "", anon)
	url1 := createHTTPTrigger(t, c, "pass-1", "web", "", anon)

	t.Run("request as it came", func(t *testing.T) {
		res := httpCall(t, "PATCH", url2+"/echo/a%20b/c?x=1&y=%2F&x=3", []byte("twelve bytes"),
			map[string]string{"X-Custom": "v", "X-Fc-Spoofed": "no", "Content-Type": "text/x-test"})
		var seen struct {
			Method, URL string
			Headers     map[string]string
			BodyLength  int
		}
		res.json(t, &seen)
		if res.status != 200 || seen.Method != "PATCH" || seen.URL != "/echo/a%20b/c?x=1&y=%2F&x=3" || seen.BodyLength != 12 {
			t.Errorf("got %d %+v, want 200 PATCH /echo/a%%20b/c?x=1&y=%%2F&x=3 with 12 bytes", res.status, seen)
		}
		for k, want := range map[string]string{"x-custom": "v", "content-type": "text/x-test", "content-length": "12",
			"x-fc-request-id": res.header.Get("x-fc-request-id"), "x-fc-spoofed": ""} {
			if got := seen.Headers[k]; got != want {
				t.Errorf("header %s: got %q, want %q", k, got, want)
			}
		}
		if res.header.Get("Content-Type") != "application/json" || res.header.Get("X-Instance") == "" {
			t.Errorf("response headers %v: want the runtime's Content-Type and X-Instance", res.header)
		}
	})

	t.Run("binary body round trip", func(t *testing.T) {
		body := make([]byte, 1<<20)
		rand.Read(body)
		for i := range 256 {
			body[i] = byte(i)
		}
		res := httpCall(t, "POST", url2+"/binary", body, map[string]string{"Content-Type": "application/octet-stream"})
		if res.status != 200 || !bytes.Equal(res.body, body) {
			t.Errorf("got %d and %d bytes (equal: %v), want 200 and the same %d bytes", res.status, len(res.body), bytes.Equal(res.body, body), len(body))
		}
	})

	t.Run("answer streams", func(t *testing.T) {
		// The runtime writes "last" only after /release, which the test
		// sends only once it has read "first": a buffered answer would
		// never arrive.
		resp, err := http.Get(url2 + "/stream")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		first, err := br.ReadString('\n')
		if err != nil || first != "first\n" {
			t.Fatalf("first line: %q, %v; want %q", first, err, "first\n")
		}
		if rel := httpCall(t, "GET", url2+"/release", nil, nil); string(rel.body) != "released" {
			t.Fatalf("release: %d %q", rel.status, rel.body)
		}
		rest, err := io.ReadAll(br)
		if err != nil || string(rest) != "last\n" {
			t.Errorf("rest: %q, %v; want %q", rest, err, "last\n")
		}
	})

	t.Run("request body streams", func(t *testing.T) {
		// The first part must reach the runtime (GET /seen says so) while
		// the client still holds the rest back.
		pr, pw := io.Pipe()
		done := make(chan *http.Response, 1)
		go func() { // ends when the request does
			resp, err := http.Post(url2+"/upload", "application/octet-stream", pr)
			if err != nil {
				t.Error(err)
			}
			done <- resp
		}()
		pw.Write([]byte("part1-"))
		deadline := time.Now().Add(30 * time.Second)
		for string(httpCall(t, "GET", url2+"/seen", nil, nil).body) != "part1-" {
			if time.Now().After(deadline) {
				pw.CloseWithError(io.ErrUnexpectedEOF)
				t.Fatal("the runtime never saw the first part while the request was open")
			}
			time.Sleep(20 * time.Millisecond)
		}
		pw.Write([]byte("part2"))
		pw.Close()
		resp := <-done
		if resp == nil {
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(b) != "got:part1-part2" {
			t.Errorf("got %d %q, want 200 %q", resp.StatusCode, b, "got:part1-part2")
		}
	})

	t.Run("slot released after the stream", func(t *testing.T) {
		// instanceConcurrency 1: had the streamed answer kept its slot,
		// the next request would need a second instance.
		if rel := httpCall(t, "GET", url1+"/release", nil, nil); rel.status != 200 {
			t.Fatalf("release: %d %s", rel.status, rel.body)
		}
		a := httpCall(t, "GET", url1+"/stream", nil, nil)
		b := httpCall(t, "GET", url1+"/echo", nil, nil)
		if string(a.body) != "first\nlast\n" || b.status != 200 {
			t.Fatalf("got %d %q and %d, want the whole stream and 200", a.status, a.body, b.status)
		}
		if ia, ib := a.header.Get("X-Instance"), b.header.Get("X-Instance"); ia == "" || ia != ib {
			t.Errorf("instances %q then %q, want the same one", ia, ib)
		}
	})

	t.Run("body limit", func(t *testing.T) {
		big := bytes.NewReader(make([]byte, fc.MaxSyncPayload+1))
		req, _ := http.NewRequest("POST", url2+"/binary", io.NopCloser(big)) // no length: read until the limit
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e struct{ Code string }
		json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode != 400 || !strings.Contains(e.Code, "InvalidArgument") {
			t.Errorf("got %d %q, want 400 InvalidArgument", resp.StatusCode, e.Code)
		}
	})
}

// TestHTTPPassthroughStalledClient: a client that announces a body and
// stalls cannot hold a custom runtime's only slot past the function's
// timeout: the next caller is served.
func TestHTTPPassthroughStalledClient(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	in := fn("stall-1", "custom.debian12", "index.handler", zipDir(t, "tests/testdata/functions/http-stream-custom"))
	in.InstanceConcurrency, in.Timeout = ptr(1), ptr(2)
	if _, err := c.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	url := createHTTPTrigger(t, c, "stall-1", "web", "", `{"authType":"anonymous","methods":["GET","POST"]}`)
	served := func() bool {
		resp, err := http.Get(url + "/echo")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode == http.StatusOK
	}
	for i := 0; !served(); i++ { // warm: a cold start may take longer than the 2 s timeout on a busy machine
		if i == 20 {
			t.Fatal("the function never answered")
		}
	}
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s/echo HTTP/1.1\r\nHost: %s\r\nContent-Length: 1000000\r\n\r\nthe first bytes of a million", u.RequestURI(), u.Host)
	time.Sleep(100 * time.Millisecond) // the stalled request holds the slot now
	deadline := time.Now().Add(30 * time.Second)
	for !served() {
		if time.Now().After(deadline) {
			t.Fatal("the stalled client still holds the slot after 30 s")
		}
		time.Sleep(250 * time.Millisecond)
	}
}
