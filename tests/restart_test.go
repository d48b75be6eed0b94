package tests

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
		if _, err := n.client().CreateFunction(ctx, fn(fmt.Sprintf("keep-%d", i), "python3.11", "index.handler", code)); err != nil {
			t.Fatal(err)
		}
	}
	n.stop()

	n = startNode(t, dataDir)
	assertFunctions(t, n.client(), 5)
	for i := 5; i < 25; i++ {
		if _, err := n.client().CreateFunction(ctx, fn(fmt.Sprintf("keep-%d", i), "python3.11", "index.handler", code)); err != nil {
			t.Fatal(err)
		}
	}
	n.kill()

	n = startNode(t, dataDir)
	assertFunctions(t, n.client(), 25)
	res, err := n.client().Invoke(ctx, "keep-24", client.InvokeOptions{Body: []byte(`{"name":"restart"}`)})
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
