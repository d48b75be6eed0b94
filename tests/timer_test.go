package tests

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// TestTimerTrigger: a one-second timer fires FC's timer event as async
// invocations; disabled, it stops; deleted, it is gone.
func TestTimerTrigger(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	if _, err := c.CreateFunction(ctx, fn("tick", "nodejs20", "index.handler", zipDir(t, "examples/hello-node"))); err != nil {
		t.Fatal(err)
	}
	config := func(enable bool) string {
		b, _ := json.Marshal(fc.TimerTriggerConfig{CronExpression: "@every 1s", Payload: `{"name":"timer"}`, Enable: enable})
		return string(b)
	}
	in := map[string]any{"triggerName": "every-second", "triggerType": "timer", "triggerConfig": config(true)}
	if err := c.Do(ctx, client.Op{Action: "CreateTrigger", Method: "POST", Path: "/functions/tick/triggers"}, in, nil); err != nil {
		t.Fatalf("create timer trigger: %v", err)
	}
	tasks := func() []*fc.AsyncTask {
		var out fc.ListAsyncTaskOutput
		if err := c.Do(ctx, client.Op{Action: "ListAsyncTasks", Method: "GET", Path: "/functions/tick/async-tasks",
			Query: url.Values{"includePayload": {"true"}, "limit": {"100"}}}, nil, &out); err != nil {
			t.Fatal(err)
		}
		return out.Tasks
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(tasks()) < 3 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	fired := tasks()
	if len(fired) < 3 {
		t.Fatalf("after up to 30 s of a 1 s timer: got %d fires, want at least 3", len(fired))
	}
	var event struct{ TriggerTime, TriggerName, Payload string }
	if err := json.Unmarshal([]byte(fired[0].TaskPayload), &event); err != nil || event.TriggerName != "every-second" ||
		event.Payload != `{"name":"timer"}` || event.TriggerTime == "" {
		t.Errorf("timer event: got %q (%v), want FC's {triggerTime, triggerName, payload}", fired[0].TaskPayload, err)
	}

	if err := c.Do(ctx, client.Op{Action: "UpdateTrigger", Method: "PUT", Path: "/functions/tick/triggers/every-second"},
		map[string]any{"triggerConfig": config(false)}, nil); err != nil {
		t.Fatalf("disable timer: %v", err)
	}
	time.Sleep(1500 * time.Millisecond) // a fire already due may still land
	before := len(tasks())
	time.Sleep(3 * time.Second)
	if after := len(tasks()); after != before {
		t.Errorf("a disabled timer fired %d more times", after-before)
	}
	for _, task := range tasks() {
		if task.Status != fc.AsyncSucceeded && !strings.HasPrefix(task.Status, "Run") {
			t.Errorf("timer task %s: %s", task.TaskID, task.Status)
		}
	}
	if err := c.Do(ctx, client.Op{Action: "DeleteTrigger", Method: "DELETE", Path: "/functions/tick/triggers/every-second"}, nil, nil); err != nil {
		t.Fatal(err)
	}
}
