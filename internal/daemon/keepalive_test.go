package daemon

import (
	"testing"
	"time"
)

// TestKeepAlivePolicyDefault: Yun's policy unless only a keep-alive
// duration is given, which keeps its old meaning (a fixed keep-alive).
func TestKeepAlivePolicyDefault(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing set", Config{DataDir: "x"}, "yun"},
		{"only a keep-alive", Config{DataDir: "x", KeepAlive: time.Minute}, "fixed"},
		{"a policy and a keep-alive", Config{DataDir: "x", KeepAlive: time.Minute, KeepAlivePolicy: "hybrid"}, "hybrid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.cfg.Validate(); err != nil || tc.cfg.KeepAlivePolicy != tc.want {
				t.Errorf("got policy %q (err %v), want %q", tc.cfg.KeepAlivePolicy, err, tc.want)
			}
		})
	}
}
