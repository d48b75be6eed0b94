package tests

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
)

// TestRestart: functions survive a graceful restart and a kill -9; nothing
// acknowledged is lost.
func TestRestart(t *testing.T) {
	dataDir := t.TempDir()
	ctx := context.Background()
	code := zipDir(t, "examples/hello-python")

	n := startNode(t, dataDir)
	for i := range 5 {
		if _, err := n.Client().CreateFunction(ctx, fn(fmt.Sprintf("keep-%d", i), "python3.11", "index.handler", code)); err != nil {
			t.Fatal(err)
		}
	}
	n.Stop()

	n = startNode(t, dataDir)
	assertFunctions(t, n.Client(), 5)
	for i := 5; i < 25; i++ {
		if _, err := n.Client().CreateFunction(ctx, fn(fmt.Sprintf("keep-%d", i), "python3.11", "index.handler", code)); err != nil {
			t.Fatal(err)
		}
	}
	n.Kill()

	n = startNode(t, dataDir)
	assertFunctions(t, n.Client(), 25)
	res, err := n.Client().Invoke(ctx, "keep-24", client.InvokeOptions{Body: []byte(`{"name":"restart"}`)})
	if err != nil || !strings.Contains(string(res.Body), "Hello, restart") {
		t.Fatalf("invoke after kill -9: got %v, %v; want the greeting", res, err)
	}
}

func assertFunctions(t *testing.T, c *client.Client, want int) {
	t.Helper()
	list, err := c.ListFunctions(context.Background(), client.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Functions) != want {
		t.Fatalf("got %d functions after restart, want %d", len(list.Functions), want)
	}
}

// TestGracefulShutdown: on SIGTERM the server stops accepting but lets an
// in-flight invocation finish, then exits cleanly.
func TestGracefulShutdown(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	in := fn("slow", "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-slow"))
	in.Timeout = ptr(10)
	if _, err := c.CreateFunction(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Invoke(ctx, "slow", client.InvokeOptions{Body: []byte("1")}); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	type result struct {
		res *client.InvokeResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := c.Invoke(ctx, "slow", client.InvokeOptions{Body: []byte("2000")})
		done <- result{res, err}
	}()
	time.Sleep(500 * time.Millisecond) // let the request reach the warm instance
	n.Cmd.Process.Signal(syscall.SIGTERM)
	r := <-done
	if r.err != nil || string(r.res.Body) != "slept 2000 ms" {
		t.Fatalf("in-flight invocation across SIGTERM: got %v, %v; want it to finish", r.res, r.err)
	}
	<-n.Done
	if code := n.Cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code after SIGTERM: got %d, want 0\n%s", code, n.Stderr.String())
	}
	if _, err := c.ListFunctions(ctx, client.ListOptions{}); err == nil {
		t.Errorf("the server still answers after shutting down")
	}
}
