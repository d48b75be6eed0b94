package tests

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// These suites drive the scheduler through a real node with real Node.js and
// Python functions. They assert counts and states, never durations; waits
// poll with deadlines.

// scaling wraps a node's client with the scaling operations.
type scaling struct {
	t *testing.T
	c *client.Client
}

func newScaling(t *testing.T, n *node) *scaling { return &scaling{t: t, c: n.Client()} }

func (s *scaling) do(op client.Op, in, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s.c.Do(ctx, op, in, out)
}

func provisionOp(action, method, name string) client.Op {
	return client.Op{Action: action, Method: method, Path: "/functions/" + client.PathEscape(name) + "/provision-config",
		Query: url.Values{"qualifier": {"LATEST"}}}
}

func (s *scaling) putProvision(name string, in *fc.PutProvisionConfigInput) *fc.ProvisionConfig {
	s.t.Helper()
	var out fc.ProvisionConfig
	if err := s.do(provisionOp("PutProvisionConfig", http.MethodPut, name), in, &out); err != nil {
		s.t.Fatalf("PutProvisionConfig %s: %v", name, err)
	}
	return &out
}

func (s *scaling) getProvision(name string) *fc.ProvisionConfig {
	s.t.Helper()
	var out fc.ProvisionConfig
	if err := s.do(provisionOp("GetProvisionConfig", http.MethodGet, name), nil, &out); err != nil {
		s.t.Fatalf("GetProvisionConfig %s: %v", name, err)
	}
	return &out
}

func (s *scaling) instances(name string) []*fc.InstanceInfo {
	s.t.Helper()
	var out fc.ListInstancesOutput
	op := client.Op{Action: "ListInstances", Method: http.MethodGet, Path: "/functions/" + client.PathEscape(name) + "/instances"}
	if err := s.do(op, nil, &out); err != nil {
		s.t.Fatalf("ListInstances %s: %v", name, err)
	}
	return out.Instances
}

// count returns how many of name's instances are of the kind and, if any
// statuses are given, in one of them.
func (s *scaling) count(name, kind string, statuses ...string) int {
	n := 0
	for _, in := range s.instances(name) {
		if in.ResourceType == kind && (len(statuses) == 0 || slices.Contains(statuses, in.Status)) {
			n++
		}
	}
	return n
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// createSlow deploys tests/testdata/functions/node-slow, which sleeps for
// the milliseconds in its event.
func createSlow(t *testing.T, n *node, name string) {
	t.Helper()
	in := fn(name, "nodejs20", "index.handler", zipDir(t, "tests/testdata/functions/node-slow"))
	in.Timeout = ptr(60)
	if _, err := n.Client().CreateFunction(context.Background(), in); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
}

// burst sends n concurrent invocations of name with body and returns their
// results and errors in order.
func burst(n *node, name, body string, count int) ([]*client.InvokeResult, []error) {
	c := n.Client()
	results, errs := make([]*client.InvokeResult, count), make([]error, count)
	var wg sync.WaitGroup
	for i := range count {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			results[i], errs[i] = c.Invoke(ctx, name, client.InvokeOptions{Body: []byte(body)})
		})
	}
	wg.Wait()
	return results, errs
}

// TestColdBurstGetsOneInstanceEach: N concurrent requests on a cold function
// with instanceConcurrency 1 all succeed, each on an instance of its own.
func TestColdBurstGetsOneInstanceEach(t *testing.T) {
	const requests = 5
	n := startNode(t, "")
	s := newScaling(t, n)
	createSlow(t, n, "burst")
	results, errs := burst(n, "burst", "4000", requests) // long enough for all to overlap
	for i := range requests {
		if errs[i] != nil || results[i].ErrorType != "" {
			t.Fatalf("request %d: error %v, result %+v", i, errs[i], results[i])
		}
	}
	if got := s.count("burst", fc.ResourceOnDemand); got != requests {
		t.Errorf("got %d on-demand instances after %d overlapping requests, want %d", got, requests, requests)
	}
	if got := s.count("burst", fc.ResourceOnDemand, "Idle"); got != requests {
		t.Errorf("got %d idle instances once the requests returned, want %d", got, requests)
	}
}

// TestProvisionedTargetIsReachedKeptAndOverflows: a provisioned target is
// reached, reported truthfully, preferred by requests, overflowed to
// on-demand instances under load, and released on delete.
func TestProvisionedTargetIsReachedKeptAndOverflows(t *testing.T) {
	n := startNode(t, "")
	s := newScaling(t, n)
	createSlow(t, n, "prov")
	out := s.putProvision("prov", &fc.PutProvisionConfigInput{Target: ptr(2)})
	if out.Target != 2 || !strings.HasSuffix(out.FunctionArn, "functions/prov/LATEST") {
		t.Errorf("PutProvisionConfig answered %+v, want target 2 and an ARN ending functions/prov/LATEST", out)
	}
	eventually(t, "current reaches 2", time.Minute, func() bool { return s.getProvision("prov").Current == 2 })
	if got := s.count("prov", fc.ResourceProvisioned, "Idle"); got != 2 {
		t.Errorf("got %d idle provisioned instances, want 2", got)
	}

	done := make(chan []error, 1)
	go func() { _, errs := burst(n, "prov", "5000", 4); done <- errs }()
	eventually(t, "two requests overflow on demand", time.Minute, func() bool {
		return s.count("prov", fc.ResourceOnDemand) == 2
	})
	if got := s.count("prov", fc.ResourceProvisioned, "Busy"); got != 2 {
		t.Errorf("under load: got %d busy provisioned instances, want 2 (used first)", got)
	}
	for i, err := range <-done {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	if got := s.getProvision("prov"); got.Current != 2 || got.CurrentError != "" {
		t.Errorf("after the load: got current %d error %q, want 2 and none", got.Current, got.CurrentError)
	}

	if err := s.do(provisionOp("DeleteProvisionConfig", http.MethodDelete, "prov"), nil, nil); err != nil {
		t.Fatalf("DeleteProvisionConfig: %v", err)
	}
	eventually(t, "provisioned instances released", time.Minute, func() bool {
		return s.count("prov", fc.ResourceProvisioned) == 0
	})
	err := s.do(provisionOp("GetProvisionConfig", http.MethodGet, "prov"), nil, nil)
	if !client.IsCode(err, fc.CodeProvisionConfigNotFound) {
		t.Errorf("GetProvisionConfig after delete: got %v, want %s", err, fc.CodeProvisionConfigNotFound)
	}
}

// TestScheduledActionRaisesTarget: an at(...) action a few seconds ahead
// raises the target from 0 to 2 at its time.
func TestScheduledActionRaisesTarget(t *testing.T) {
	n := startNode(t, "")
	s := newScaling(t, n)
	createSlow(t, n, "sched")
	at := time.Now().UTC().Add(6 * time.Second).Truncate(time.Second)
	s.putProvision("sched", &fc.PutProvisionConfigInput{Target: ptr(0), ScheduledActions: []fc.ScheduledAction{
		{Name: "peak", ScheduleExpression: "at(" + at.Format("2006-01-02T15:04:05") + ")", Target: ptr(2), TimeZone: "UTC"}}})
	if before := s.getProvision("sched"); time.Now().Before(at.Add(-time.Second)) && (before.Target != 0 || before.Current != 0) {
		t.Errorf("before the action: got target %d current %d, want 0 and 0", before.Target, before.Current)
	}
	eventually(t, "the action's target is reached", time.Minute, func() bool {
		got := s.getProvision("sched")
		return got.Target == 2 && got.Current == 2
	})
	if got := s.count("sched", fc.ResourceProvisioned); got != 2 {
		t.Errorf("got %d provisioned instances, want 2", got)
	}
}

// TestReservedConcurrencyCapsInstances: with reservedConcurrency 2, three
// of five concurrent long requests are refused at once with 429
// Throttling.ReservedConcurrency and x-acs-retry-after.
func TestReservedConcurrencyCapsInstances(t *testing.T) {
	n := startNode(t, "")
	s := newScaling(t, n)
	createSlow(t, n, "capped")
	op := client.Op{Action: "PutConcurrencyConfig", Method: http.MethodPut, Path: "/functions/capped/concurrency"}
	var cfg fc.ConcurrencyConfig
	if err := s.do(op, &fc.PutConcurrencyInput{ReservedConcurrency: ptr(2)}, &cfg); err != nil || cfg.ReservedConcurrency != 2 {
		t.Fatalf("PutConcurrencyConfig: got %+v, %v", cfg, err)
	}
	_, errs := burst(n, "capped", "5000", 5)
	served, throttled := 0, 0
	for _, err := range errs {
		var e *client.Error
		switch {
		case err == nil:
			served++
		case errors.As(err, &e) && e.Status == http.StatusTooManyRequests && e.Code == fc.CodeReservedConcurrencyThrottling:
			throttled++
		default:
			t.Errorf("got %v, want success or 429 %s", err, fc.CodeReservedConcurrencyThrottling)
		}
	}
	if served != 2 || throttled != 3 {
		t.Errorf("got %d served and %d throttled, want 2 and 3", served, throttled)
	}
	if got := len(s.instances("capped")); got > 2 {
		t.Errorf("got %d instances, want at most 2", got)
	}
	var list fc.ListConcurrencyConfigsOutput
	listOp := client.Op{Action: "ListConcurrencyConfigs", Method: http.MethodGet, Path: "/concurrency-configs"}
	if err := s.do(listOp, nil, &list); err != nil || len(list.Configs) != 1 || list.Configs[0].ReservedConcurrency != 2 {
		t.Errorf("ListConcurrencyConfigs: got %+v, %v; want the one config", list, err)
	}
}

// TestFailingInitializerFailsWaitersPromptly: concurrent requests waiting
// for instances whose initializer fails all get InitializationError; none
// hangs (each is bounded by the client's deadline).
func TestFailingInitializerFailsWaitersPromptly(t *testing.T) {
	n := startNode(t, "")
	in := fn("badinit", "python3.11", "index.handler", zipDir(t, "tests/testdata/functions/python-init"))
	in.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{Initializer: &fc.LifecycleHook{Handler: "index.initialize", Timeout: 5}}
	if _, err := n.Client().CreateFunction(context.Background(), in); err != nil {
		t.Fatalf("create: %v", err)
	}
	results, errs := burst(n, "badinit", "", 4)
	for i := range results {
		if errs[i] != nil {
			t.Errorf("request %d: got %v, want FC's 200 with InitializationError", i, errs[i])
			continue
		}
		if results[i].ErrorType != "InitializationError" {
			t.Errorf("request %d: got error type %q, want InitializationError", i, results[i].ErrorType)
		}
	}
}

// TestMetricsEndpoint: /metrics answers loopback clients without a
// signature, with the scheduler's series.
func TestMetricsEndpoint(t *testing.T) {
	n := startNode(t, "")
	createSlow(t, n, "measured")
	if _, errs := burst(n, "measured", "10", 2); errs[0] != nil || errs[1] != nil {
		t.Fatalf("invoke: %v", errs)
	}
	resp, err := http.Get(n.Endpoint + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: got status %d, want 200: %s", resp.StatusCode, body)
	}
	for _, want := range []string{
		`yun_invocations_total{function="` + accountOf(t, n) + `/measured"} 2`,
		`yun_cold_starts_total{function="` + accountOf(t, n) + `/measured",kind="on-demand"}`,
		`yun_instances{function="` + accountOf(t, n) + `/measured",kind="on-demand",state="idle"}`,
		"yun_node_memory_capacity_megabytes",
		`yun_prewarm_claims_total{result="hit",runtime="nodejs"}`,
		`yun_prewarm_sandboxes{runtime="python",state="ready"}`,
		`yun_prewarm_target{runtime="nodejs"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// accountOf returns the admin account's id, as function ARNs carry it.
func accountOf(t *testing.T, n *node) string {
	t.Helper()
	f, err := n.Client().GetFunction(context.Background(), "measured", "")
	if err != nil {
		t.Fatalf("get function: %v", err)
	}
	parts := strings.Split(f.FunctionArn, ":") // acs:fc:region:account:functions/name
	if len(parts) < 5 {
		t.Fatalf("unexpected ARN %q", f.FunctionArn)
	}
	return parts[3]
}

// TestQueueBoundsFromServerFlags: `yun server --max-instances 1
// --max-queue-length 1` holds a function to one instance and one waiting
// request; two more concurrent requests are refused at once with 429
// ResourceExhausted.
func TestQueueBoundsFromServerFlags(t *testing.T) {
	n := startNode(t, "", "--max-instances", "1", "--max-queue-length", "1")
	s := newScaling(t, n)
	createSlow(t, n, "bounded")
	if _, errs := burst(n, "bounded", "0", 1); errs[0] != nil { // a ready, idle instance
		t.Fatalf("warm-up: %v", errs[0])
	}
	_, errs := burst(n, "bounded", "3000", 4) // one runs, one waits, two are refused
	served, refused := 0, 0
	for _, err := range errs {
		var e *client.Error
		switch {
		case err == nil:
			served++
		case errors.As(err, &e) && e.Status == http.StatusTooManyRequests && e.Code == fc.CodeResourceExhausted:
			refused++
		default:
			t.Errorf("got %v, want success or 429 %s", err, fc.CodeResourceExhausted)
		}
	}
	if served != 2 || refused != 2 {
		t.Errorf("got %d served and %d refused, want 2 and 2", served, refused)
	}
	if got := len(s.instances("bounded")); got != 1 {
		t.Errorf("got %d instances, want 1 (--max-instances 1)", got)
	}
}

// TestDisconnectedCallerLeavesTheQueue: a caller that goes away while its
// request waits for an instance leaves the queue at once, not when an
// instance frees up. The caller's connection starts with the invocation,
// so the front's lean loop serves it (internal/front), which watches the
// client only while the request waits.
func TestDisconnectedCallerLeavesTheQueue(t *testing.T) {
	n := startNode(t, "", "--max-instances", "1")
	s := newScaling(t, n)
	createSlow(t, n, "leaver")
	if _, errs := burst(n, "leaver", "0", 1); errs[0] != nil {
		t.Fatalf("warm-up: %v", errs[0])
	}
	busy := make(chan error, 1)
	go func() {
		_, err := n.Client().Invoke(context.Background(), "leaver", client.InvokeOptions{Body: []byte("8000")})
		busy <- err
	}()
	eventually(t, "the instance is busy", 10*time.Second, func() bool {
		return s.count("leaver", fc.ResourceOnDemand, "Busy") == 1
	})
	ctx, leave := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() {
		_, err := n.Client().Invoke(ctx, "leaver", client.InvokeOptions{Body: []byte("0")})
		left <- err
	}()
	eventually(t, "the second request queues", 3*time.Second, func() bool {
		return scrape(t, n, "yun_queue_length", `function="`) == 1
	})
	leave() // the client closes its connection
	<-left
	eventually(t, "the queue empties while the first request still runs", 2*time.Second, func() bool {
		return scrape(t, n, "yun_queue_length", `function="`) == 0
	})
	if len(busy) != 0 {
		t.Fatal("the first request ended before the check: the queue emptied only because it did")
	}
	if err := <-busy; err != nil {
		t.Fatalf("first request: %v", err)
	}
}
