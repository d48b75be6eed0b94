package tests

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestCLI drives the quickstart with the yun CLI, which finds the server
// through the config file `yun server` wrote.
func TestCLI(t *testing.T) {
	n := startNode(t, "")
	run := func(t *testing.T, stdin string, wantCode int, args ...string) (string, string) {
		t.Helper()
		out, errOut, code := n.CLI(stdin, args...)
		if code != wantCode {
			t.Fatalf("yun %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out, errOut)
		}
		return out, errOut
	}

	out, _ := run(t, "", 0, "deploy", "examples/hello-node", "--name", "hello", "--runtime", "nodejs20", "--handler", "index.handler", "--env", "GREETING=Hi")
	if !strings.Contains(out, "created function hello") {
		t.Errorf("deploy printed %q, want it to say the function was created", out)
	}
	out, _ = run(t, "", 0, "deploy", "examples/hello-node", "--name", "hello", "--memory", "256")
	if !strings.Contains(out, "updated function hello") || !strings.Contains(out, "256 MB") {
		t.Errorf("second deploy printed %q, want an update to 256 MB", out)
	}
	out, _ = run(t, "", 0, "invoke", "hello", "--data", `{"name":"CLI"}`)
	if !strings.Contains(out, "Hello, CLI") {
		t.Errorf("invoke printed %q, want the greeting", out)
	}
	out, errOut := run(t, `{"name":"stdin"}`, 0, "invoke", "hello", "--file", "-", "--log")
	if !strings.Contains(out, "Hello, stdin") || !strings.Contains(errOut, "FC Invoke End RequestId:") {
		t.Errorf("invoke --file - --log printed %q / %q, want the greeting and the log tail", out, errOut)
	}
	out, _ = run(t, "", 0, "functions", "list")
	if !strings.Contains(out, "hello") || !strings.Contains(out, "nodejs20") {
		t.Errorf("functions list printed %q, want hello with its runtime", out)
	}
	out, _ = run(t, "", 0, "functions", "get", "hello")
	var f struct {
		MemorySize           int               `json:"memorySize"`
		EnvironmentVariables map[string]string `json:"environmentVariables"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil || f.MemorySize != 256 || f.EnvironmentVariables["GREETING"] != "Hi" {
		t.Errorf("functions get printed %q (%v), want memorySize 256 and GREETING=Hi kept across deploys", out, err)
	}
	out, _ = run(t, "", 0, "--json", "functions", "list")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
		t.Errorf("--json functions list printed %q (%v), want a JSON array of one function", out, err)
	}

	_, errOut = run(t, "", 1, "invoke", "missing")
	if !strings.Contains(errOut, "FunctionNotFound") {
		t.Errorf("invoking a missing function printed %q, want the FC code", errOut)
	}
	_, errOut = run(t, "", 1, "deploy", "examples/hello-node", "--name", "bad", "--runtime", "nodejs20", "--handler", "index.handler", "--memory", "100")
	if !strings.Contains(errOut, "InvalidArgument") || !strings.Contains(errOut, "memorySize") {
		t.Errorf("a bad deploy printed %q, want InvalidArgument naming memorySize", errOut)
	}
	run(t, "", 0, "deploy", "tests/testdata/functions/node-error", "--name", "err", "--runtime", "nodejs20", "--handler", "index.handler")
	_, errOut = run(t, "", 2, "invoke", "err")
	if !strings.Contains(errOut, "UnhandledInvocationError") || !strings.Contains(errOut, "boom") {
		t.Errorf("a failing function printed %q, want its error type and message", errOut)
	}
	run(t, "", 0, "functions", "delete", "hello")
	_, errOut = run(t, "", 1, "functions", "get", "hello")
	if !strings.Contains(errOut, "FunctionNotFound") {
		t.Errorf("get after delete printed %q, want FunctionNotFound", errOut)
	}
}

// TestCLIResources drives versions, aliases, timer triggers, layers, async
// invocation and tasks from the CLI.
func TestCLIResources(t *testing.T) {
	n := startNode(t, "")
	run := func(t *testing.T, wantCode int, args ...string) string {
		t.Helper()
		out, errOut, code := n.CLI("", args...)
		if code != wantCode {
			t.Fatalf("yun %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, out, errOut)
		}
		return out
	}
	run(t, 0, "deploy", "tests/testdata/functions/node-env", "--name", "app", "--runtime", "nodejs20", "--handler", "index.handler", "--env", "LABEL=one")
	if out := run(t, 0, "versions", "publish", "app", "--description", "first"); !strings.Contains(out, `"versionId": "1"`) {
		t.Errorf("versions publish printed %q, want version 1", out)
	}
	run(t, 0, "deploy", "tests/testdata/functions/node-env", "--name", "app", "--env", "LABEL=two")
	run(t, 0, "versions", "publish", "app")
	run(t, 0, "aliases", "create", "app", "prod", "--version", "1", "--canary", "2=0.5")
	if out := run(t, 0, "aliases", "get", "app", "prod"); !strings.Contains(out, `"2": 0.5`) {
		t.Errorf("aliases get printed %q, want the canary weight", out)
	}
	run(t, 0, "aliases", "update", "app", "prod", "--version", "2", "--canary", "")
	if out := run(t, 0, "invoke", "app", "--qualifier", "prod"); strings.TrimSpace(out) != "two@2" {
		t.Errorf("invoke --qualifier prod printed %q, want two@2", out)
	}
	if out := run(t, 0, "versions", "list", "app"); !strings.Contains(out, `"versionId": "2"`) {
		t.Errorf("versions list printed %q", out)
	}

	run(t, 0, "triggers", "create", "app", "nightly", "--type", "timer", "--config", `{"cronExpression":"cron(0 0 3 * * *)","enable":true}`)
	if out := run(t, 0, "triggers", "list", "app"); !strings.Contains(out, "nightly") || !strings.Contains(out, "timer") {
		t.Errorf("triggers list printed %q, want the timer trigger", out)
	}
	run(t, 0, "triggers", "delete", "app", "nightly")

	if out := run(t, 0, "layers", "publish", "greet", "tests/testdata/layers/greet", "--runtime", "nodejs20"); !strings.Contains(out, `"version": 1`) {
		t.Errorf("layers publish printed %q, want version 1", out)
	}
	if out := run(t, 0, "layers", "list"); !strings.Contains(out, "greet") {
		t.Errorf("layers list printed %q", out)
	}

	out := run(t, 0, "invoke", "app", "--async", "--task-id", "cli_task_1")
	if !strings.Contains(out, "task cli_task_1") {
		t.Errorf("invoke --async printed %q, want the task id", out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(run(t, 0, "tasks", "get", "app", "cli_task_1"), `"status": "Succeeded"`) {
		if time.Now().After(deadline) {
			t.Fatalf("task cli_task_1 did not succeed within 30s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if out := run(t, 0, "tasks", "list", "app"); !strings.Contains(out, "cli_task_1") || !strings.Contains(out, "Succeeded") {
		t.Errorf("tasks list printed %q", out)
	}
}
