package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// kindTrigger documents are {function}/{trigger}: fc.Trigger, as stored
// (without the httpTrigger URLs, which depend on how the API is reached).
const kindTrigger = "trigger"

// webState is what the API keeps for HTTP triggers and custom domains.
type webState struct {
	// mu serialises trigger and domain writes: the one HTTP trigger per
	// qualifier and the global uniqueness of domain names are checked
	// under it. The API is the only writer on a node.
	mu sync.Mutex
	// triggers caches compiled HTTP triggers by {account}/{function}/{qualifier},
	// so that the warm path reads no store; trigger writes invalidate it.
	triggers *fillCache[any]
	domains  *domainTable
}

func newWebState() *webState {
	return &webState{triggers: new(fillCache[any]), domains: newDomainTable()}
}

// TriggerHook is told about every trigger write, so that the component
// running a trigger type (timers) can follow. It must not block.
type TriggerHook func(ctx context.Context, account, function string, t *fc.Trigger, deleted bool)

func (s *Server) onTriggerChange(ctx context.Context, account, function string, t *fc.Trigger, deleted bool) {
	s.web.triggers.dropPrefix(qualifiedKey(account, function, ""))
	if s.triggerHook != nil {
		s.triggerHook(ctx, account, function, t, deleted)
	}
}

func triggerDocName(function, trigger string) string { return function + "/" + trigger }

// loadTrigger reads one trigger; a missing function is FunctionNotFound.
func (s *Server) loadTrigger(ctx context.Context, account, function, name string) (*fc.Trigger, error) {
	d, err := s.store.GetDoc(ctx, account, kindTrigger, triggerDocName(function, name))
	if errors.Is(err, store.ErrNotFound) {
		if _, ferr := s.store.GetFunction(ctx, account, function); ferr != nil {
			return nil, notFound(function, ferr)
		}
		return nil, fc.TriggerNotFound(function, name)
	}
	if err != nil {
		return nil, err
	}
	t := new(fc.Trigger)
	return t, json.Unmarshal(d.Value, t)
}

// triggers lists every trigger of a function, by name.
func (s *Server) triggers(ctx context.Context, account, function string) ([]*fc.Trigger, error) {
	docs, err := s.store.ListDocs(ctx, account, kindTrigger, function+"/", "", 0)
	if err != nil {
		return nil, err
	}
	return decodeTriggers(docs)
}

func decodeTriggers(docs []*store.Doc) ([]*fc.Trigger, error) {
	out := make([]*fc.Trigger, 0, len(docs))
	for _, d := range docs {
		t := new(fc.Trigger)
		if err := json.Unmarshal(d.Value, t); err != nil {
			return nil, fmt.Errorf("trigger %s: %w", d.Name, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// deleteTriggers removes every trigger of a function that is being deleted.
func (s *Server) deleteTriggers(ctx context.Context, account, name string) error {
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	ts, err := s.triggers(ctx, account, name)
	if err != nil {
		return err
	}
	for _, t := range ts {
		err := s.store.DeleteDoc(ctx, account, kindTrigger, triggerDocName(name, t.TriggerName))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		s.onTriggerChange(ctx, account, name, t, true)
	}
	return nil
}

// httpTriggerRoute returns the compiled HTTP trigger of a function
// qualifier, from memory after the first request.
func (s *Server) httpTriggerRoute(ctx context.Context, account, function, qualifier string) (*webRoute, error) {
	v, err := s.web.triggers.get(qualifiedKey(account, function, qualifier), func() (any, error) {
		ts, err := s.triggers(ctx, account, function)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.TriggerType == fc.TriggerHTTP && triggerQualifier(t) == qualifier {
				return s.triggerRoute(account, function, t)
			}
		}
		return nil, fc.Errorf(http.StatusNotFound, "TriggerNotFound",
			"function '%s' has no HTTP trigger for qualifier '%s'", function, qualifier)
	})
	if err != nil {
		return nil, err
	}
	return v.(*webRoute), nil
}
