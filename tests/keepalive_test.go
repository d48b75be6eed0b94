package tests

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// instanceID answers with an id drawn when its instance loads: calls that
// get the same answer ran on the same instance.
const instanceID = `import uuid
INSTANCE = uuid.uuid4().hex

def handler(event, context):
    return INSTANCE
`

// TestPeriodicCallIsPrewarmed: a function called every 7 seconds on a node
// whose keep-alive policy is Yun's, with a 1-second keep-alive for functions
// it has not learned and a cold-start cost (700 MB·s) that makes holding
// its 128 MB idle through a whole period (896 MB·s) dearer than a cold
// start, and a pre-warm (about 1 s of slack and two start times held)
// cheaper while instances start within about 1.5 s: its instance is
// reclaimed after every call, yet once the policy has seen one idle time
// each call finds an instance pre-warmed for it — a new instance (the last
// one was reclaimed) that no on-demand cold start made.
func TestPeriodicCallIsPrewarmed(t *testing.T) {
	n := startNode(t, "", "--keep-alive-policy", "yun:700", "--keep-alive", "1s")
	in := fn("periodic", "python3.11", "index.handler", zipFiles(t, map[string]string{"index.py": instanceID}))
	in.MemorySize = ptr(128)
	if _, err := n.Client().CreateFunction(context.Background(), in); err != nil {
		t.Fatalf("create: %v", err)
	}
	const calls, period = 5, 7 * time.Second
	var ids []string
	var colds []float64
	for i := range calls {
		if i > 0 {
			time.Sleep(period)
		}
		before := scrape(t, n, "yun_cold_starts_total", `kind="on-demand"`)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res, err := n.Client().Invoke(ctx, "periodic", client.InvokeOptions{Body: []byte("{}")})
		cancel()
		if err != nil || res.Status != http.StatusOK || res.ErrorType != "" {
			t.Fatalf("call %d: %v %+v", i, err, res)
		}
		ids = append(ids, string(res.Body))
		colds = append(colds, scrape(t, n, "yun_cold_starts_total", `kind="on-demand"`)-before)
	}
	// Calls 0 and 1 are cold: nothing is known of the function yet.
	for i := 2; i < calls; i++ {
		if ids[i] == ids[i-1] {
			t.Errorf("calls %d and %d ran on the same instance %s: want it reclaimed in between", i-1, i, ids[i])
		}
		if colds[i] != 0 {
			t.Errorf("call %d made %v on-demand cold starts, want 0: it should find a pre-warmed instance", i, colds[i])
		}
	}
	if got := scrape(t, n, "yun_keepalive_prewarms_total", `policy="yun:700"`); got < calls-2 {
		t.Errorf("got %v pre-warms, want at least %d", got, calls-2)
	}
	if got := scrape(t, n, "yun_keepalive_node_policy", `policy="yun:700"`); got != 1 {
		t.Errorf("yun_keepalive_node_policy{policy=\"yun:700\"}: got %v, want 1", got)
	}
}

// scrape sums the samples of metric on n's /metrics whose labels contain
// each of labels.
func scrape(t *testing.T, n *node, metric string, labels ...string) float64 {
	t.Helper()
	resp, err := http.Get(n.Endpoint + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 16<<20))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, metric+"{") && !strings.HasPrefix(line, metric+" ") {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(line, l)
		}
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		sum += v
	}
	return sum
}

// TestFunctionKeepAliveTag: the tag yun:keep-alive-policy gives one
// function its own policy (here 1 second) on a node that keeps instances a
// minute; a value that is not a policy is refused.
func TestFunctionKeepAliveTag(t *testing.T) {
	n := startNode(t, "")
	c, ctx := n.Client(), context.Background()
	hello := zipDir(t, "examples/hello-node")
	bad := fn("bad-tag", "nodejs20", "index.handler", hello)
	bad.Tags = []fc.Tag{{Key: "yun:keep-alive-policy", Value: "forever"}}
	_, err := c.CreateFunction(ctx, bad)
	assertAPIError(t, err, 400, "InvalidArgument", "keep-alive policy")

	short := fn("short", "nodejs20", "index.handler", hello)
	short.Tags = []fc.Tag{{Key: "yun:keep-alive-policy", Value: "fixed:1s"}}
	for _, in := range []*fc.FunctionInput{short, fn("node-default", "nodejs20", "index.handler", hello)} {
		if _, err := c.CreateFunction(ctx, in); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Invoke(ctx, *in.FunctionName, client.InvokeOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	instances := func(name string) int {
		var out fc.ListInstancesOutput
		if err := c.Do(ctx, client.Op{Action: "ListInstances", Method: "GET", Path: "/functions/" + name + "/instances"}, nil, &out); err != nil {
			t.Fatalf("ListInstances %s: %v", name, err)
		}
		return len(out.Instances)
	}
	for i := 0; instances("short") > 0; i++ {
		if i == 100 {
			t.Fatalf("the instance of the function tagged fixed:1s still lives after 10s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := instances("node-default"); got != 1 {
		t.Errorf("the untagged function has %d instances, want 1 (the node keeps instances a minute)", got)
	}
}
