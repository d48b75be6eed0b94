package process_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
)

// TestResponseOverThePayloadLimit: a function that returns more than FC's
// 32 MB gets an error result for that invocation, and its instance, healthy,
// serves the next one: the answer is at fault, not the runtime.
func TestResponseOverThePayloadLimit(t *testing.T) {
	e := newEngine(t, process.IsolationNone)
	code := writeCode(t, `exports.handler = async (event) => event.toString() === 'big' ? 'x'.repeat(33 << 20) : 'ok';`)
	inst := startSpec(t, e, &sandbox.Spec{Runtime: "nodejs20", Handler: "index.handler", CodeDir: code,
		Function: "big", MemoryMB: 512, Timeout: 20 * time.Second})
	res, err := inst.Invoke(context.Background(), &sandbox.Invocation{Body: []byte("big")})
	if err != nil {
		t.Fatalf("Invoke(big) = %v", err)
	}
	if res.Broken || res.ErrorType != sandbox.ErrorUnhandled || !bytes.Contains(res.Body, []byte("exceeds the maximum payload size")) {
		t.Errorf("Invoke(big) = broken %v, error type %q, body %s; want an unbroken error naming the limit", res.Broken, res.ErrorType, res.Body)
	}
	res, err = inst.Invoke(context.Background(), &sandbox.Invocation{Body: []byte("small")})
	if err != nil || res.ErrorType != "" || string(res.Body) != "ok" {
		t.Errorf("the next invocation: %v, %+v; want ok from the same instance", err, res)
	}
}
