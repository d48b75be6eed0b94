package api

import (
	"context"
	"encoding/json"

	"github.com/yun-fc/yun/internal/fc"
)

// SetTriggerHook makes h follow every trigger write (the daemon's timer
// scheduler). Call it before serving.
func (s *Server) SetTriggerHook(h TriggerHook) { s.triggerHook = h }

// StoredTrigger is a trigger with the function and account it belongs to.
type StoredTrigger struct {
	AccountID, Function string
	Trigger             *fc.Trigger
}

// TriggersOfType lists every trigger of one type across accounts, for the
// component that runs them (timers at start).
func (s *Server) TriggersOfType(ctx context.Context, triggerType string) ([]StoredTrigger, error) {
	docs, err := s.store.ListKind(ctx, kindTrigger)
	if err != nil {
		return nil, err
	}
	var out []StoredTrigger
	for _, d := range docs {
		t := new(fc.Trigger)
		if err := json.Unmarshal(d.Value, t); err != nil {
			return nil, err
		}
		if t.TriggerType == triggerType {
			fn := d.Name[:len(d.Name)-len(t.TriggerName)-1] // {function}/{trigger}
			out = append(out, StoredTrigger{AccountID: d.AccountID, Function: fn, Trigger: t})
		}
	}
	return out, nil
}
