package warmpath

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/yun-fc/yun/bench/internal/harness"
	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/workload"
)

// direct calls one runtime's POST /invoke the way the process engine does:
// the same x-fc-* headers, a fresh request id each time, one keep-alive
// transport.
type direct struct {
	url       string
	payload   []byte
	transport *http.Transport
	header    http.Header
	seq       atomic.Uint64
}

// newDirect calls 127.0.0.1:port, dialling with dial (nil: the host's
// network).
func newDirect(port string, payload []byte, conns int, dial dialFunc) *direct {
	h := http.Header{}
	for k, v := range map[string]string{
		"x-fc-function-name": functionName, "x-fc-function-handler": "index.handler",
		"x-fc-function-memory": "128", "x-fc-function-timeout": "10", "x-fc-account-id": "bench",
		"x-fc-region": "cn-yun", "x-fc-qualifier": "LATEST", "x-fc-version-id": "LATEST",
		"x-fc-instance-id": "direct", "x-fc-control-path": "/invoke", "content-type": "application/octet-stream",
	} {
		h.Set(k, v)
	}
	t := harness.NewTransport(conns)
	if dial != nil {
		t.DialContext = dial
	}
	return &direct{url: "http://127.0.0.1:" + port + "/invoke", payload: payload, transport: t, header: h}
}

// do is one invocation; its Value is the answer (the runtime's port).
func (d *direct) do(ctx context.Context) load.Outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.payload))
	if err != nil {
		return load.Outcome{Code: workload.CodeTransport}
	}
	req.Header = d.header.Clone()
	req.Header["X-Fc-Request-Id"] = []string{"direct-" + strconv.FormatUint(d.seq.Add(1), 10)}
	resp, err := d.transport.RoundTrip(req)
	if err != nil {
		return workload.Classify(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	switch {
	case err != nil:
		return workload.Classify(ctx, err)
	case resp.StatusCode != http.StatusOK:
		return load.Outcome{Status: resp.StatusCode, Code: fmt.Sprintf("HTTP%d", resp.StatusCode)}
	}
	return load.Outcome{Status: resp.StatusCode, Value: string(body)}
}

// reaches reports whether the runtime answers on its port with want.
func (d *direct) reaches(ctx context.Context, want string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	out := d.do(ctx)
	return out.Code == "" && out.Value == want
}
