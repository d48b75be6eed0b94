package api

import (
	"sync"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler"
)

// KeepAliveTag is the function tag that picks a function's own keep-alive
// policy, a Yun extension: its value is a policy as `yun server
// --keep-alive-policy` takes it (fixed:<duration>, hybrid, yun,
// yun:<cost>). Without it the node's policy applies.
const KeepAliveTag = "yun:keep-alive-policy"

// keepAlivePolicies holds one policy per tag value, so functions naming the
// same policy share it (adaptive policies learn per Key inside it).
type keepAlivePolicies struct {
	mu     sync.Mutex
	byName map[string]scheduler.KeepAlivePolicy
}

// keepAliveTag returns the value of f's keep-alive tag, "" without one.
func keepAliveTag(f *fc.Function) string {
	for _, t := range f.Tags {
		if t.Key == KeepAliveTag {
			return t.Value
		}
	}
	return ""
}

// checkKeepAliveTag refuses a keep-alive tag whose value is not a policy.
func checkKeepAliveTag(f *fc.Function) error {
	v := keepAliveTag(f)
	if v == "" {
		return nil
	}
	if _, err := scheduler.ParseKeepAlivePolicy(v, 0); err != nil {
		return fc.InvalidArgument("tag %s: %v", KeepAliveTag, err)
	}
	return nil
}

// keepAliveOf returns the policy f's tag names, nil for the node's.
func (s *Server) keepAliveOf(f *fc.Function) scheduler.KeepAlivePolicy {
	v := keepAliveTag(f)
	if v == "" {
		return nil
	}
	k := &s.keepAlive
	k.mu.Lock()
	defer k.mu.Unlock()
	if p, ok := k.byName[v]; ok {
		return p
	}
	p, err := scheduler.ParseKeepAlivePolicy(v, 0)
	if err != nil {
		return nil // checked when the function was saved; the node's applies
	}
	if k.byName == nil {
		k.byName = make(map[string]scheduler.KeepAlivePolicy)
	}
	k.byName[v] = p
	return p
}
