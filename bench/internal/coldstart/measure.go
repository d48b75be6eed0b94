package coldstart

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// sample is one cold start.
type sample struct {
	runtime string
	pooled  bool
	system  time.Duration // start requested → handler called
	e2e     time.Duration // start requested → first response
	hit     bool          // a pre-warmed sandbox was used
}

// coldStart starts a fresh instance of c on eng, invokes it once and stops
// it; the stop is not timed.
func coldStart(ctx context.Context, eng sandbox.Engine, c *runtimeCase, memoryMB int) (sample, error) {
	s := sample{runtime: c.runtime}
	spec := c.spec(memoryMB)
	t0 := time.Now()
	inst, err := eng.Start(ctx, spec)
	if err != nil {
		return s, fmt.Errorf("%s: start: %w", c.runtime, err)
	}
	defer inst.Stop(context.Background())
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "cold-" + strconv.FormatInt(t0.UnixNano(), 36), Body: []byte("{}")})
	t1 := time.Now()
	if err != nil {
		return s, fmt.Errorf("%s: invoke: %w", c.runtime, err)
	}
	if res.ErrorType != "" {
		return s, fmt.Errorf("%s: invoke: %s: %s", c.runtime, res.ErrorType, res.Body)
	}
	called, err := calledAt(res.Body)
	if err != nil {
		return s, fmt.Errorf("%s: %w", c.runtime, err)
	}
	s.system, s.e2e = called.Sub(t0), t1.Sub(t0)
	return s, nil
}

// calledAt reads the handler's {"calledUs": N}, which Node.js may return
// as a JSON string.
func calledAt(body []byte) (time.Time, error) {
	var quoted string
	if json.Unmarshal(body, &quoted) == nil {
		body = []byte(quoted)
	}
	var v struct {
		CalledUs int64 `json:"calledUs"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.CalledUs == 0 {
		return time.Time{}, fmt.Errorf("handler answered %q, want {\"calledUs\": N}", body)
	}
	return time.UnixMicro(v.CalledUs), nil
}

// poolOf returns the stats of kind's pool.
func poolOf(e *process.Engine, kind string) process.PoolStats {
	for _, s := range e.PoolStats() {
		if s.Kind == kind {
			return s
		}
	}
	return process.PoolStats{}
}

// awaitPool waits until the pools are quiet (nothing booting, every pool
// at its target) and kind's has a sandbox ready; kind "" waits only for
// quiet.
func awaitPool(ctx context.Context, e *process.Engine, kind string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		quiet := true
		for _, s := range e.PoolStats() {
			quiet = quiet && s.Booting == 0 && s.Ready >= s.Target
		}
		if quiet && (kind == "" || poolOf(e, kind).Ready > 0) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the %q pool did not refill within %s: %+v", kind, limit, e.PoolStats())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}
