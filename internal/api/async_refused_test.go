package api

import (
	"errors"
	"net/http"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler"
)

// TestRefusedForGood: which refusals of an async attempt count as failures
// (waiting would not fix them) and which are retried until the event's age.
func TestRefusedForGood(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"invocations disabled", fc.Errorf(http.StatusForbidden, "FunctionInvocationDisabled", "disabled"), true},
		{"invalid request", fc.InvalidArgument("bad qualifier"), true},
		{"larger than the node", errors.Join(scheduler.ErrNodeMemory, fc.Errorf(http.StatusServiceUnavailable, fc.CodeResourceThrottled, "too big")), true},
		{"throttled", fc.Errorf(http.StatusTooManyRequests, fc.CodeResourceExhausted, "queue full"), false},
		{"instance quota", fc.Errorf(http.StatusServiceUnavailable, fc.CodeResourceThrottled, "quota"), false},
		{"the platform's own error", errors.New("store unavailable"), false},
	}
	for _, tc := range tests {
		if got := refusedForGood(tc.err); got != tc.want {
			t.Errorf("%s: refusedForGood = %v, want %v", tc.name, got, tc.want)
		}
	}
}
