package api

import (
	"net/http"
	"slices"

	"github.com/yun-fc/yun/internal/fc"
)

// triggerRoutes registers the trigger and custom-domain operations.
func (s *Server) triggerRoutes() {
	p := "/2023-03-30/functions/{name}/triggers"
	s.handle("POST "+p, s.createTrigger)
	s.handle("GET "+p, s.listTriggers)
	s.handle("GET "+p+"/{triggerName}", s.getTrigger)
	s.handle("PUT "+p+"/{triggerName}", s.updateTrigger)
	s.handle("DELETE "+p+"/{triggerName}", s.deleteTrigger)
	s.domainRoutes()
}

func (s *Server) createTrigger(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	var in fc.TriggerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := newTrigger(&in)
	if err != nil {
		return err
	}
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	if _, err := s.store.GetFunction(ctx, account, name); err != nil {
		return notFound(name, err)
	}
	others, err := s.triggers(ctx, account, name)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(others, func(o *fc.Trigger) bool { return o.TriggerName == t.TriggerName }) {
		return fc.TriggerExists(name, t.TriggerName)
	}
	if len(others) >= fc.MaxTriggersPerFunction {
		return fc.Errorf(http.StatusBadRequest, "LimitExceededError", "function '%s' has %d triggers, the most allowed", name, len(others))
	}
	t.TriggerID = newFunctionID()
	t.CreatedTime = s.now().UTC().Format(timeFormat)
	return s.saveTrigger(w, r, name, t, &in, others)
}

// newTrigger starts a trigger from CreateTriggerInput's required fields.
func newTrigger(in *fc.TriggerInput) (*fc.Trigger, error) {
	switch {
	case in.TriggerName == nil:
		return nil, fc.InvalidArgument("triggerName is required")
	case in.TriggerType == nil:
		return nil, fc.InvalidArgument("triggerType is required: http or timer")
	case in.TriggerConfig == nil:
		return nil, fc.InvalidArgument("triggerConfig is required (JSON text)")
	}
	if err := fc.ValidTriggerName(*in.TriggerName); err != nil {
		return nil, err
	}
	if err := fc.ValidTriggerType(*in.TriggerType); err != nil {
		return nil, err
	}
	t := &fc.Trigger{TriggerName: *in.TriggerName, TriggerType: *in.TriggerType}
	if in.SourceArn != nil {
		t.SourceArn = *in.SourceArn
	}
	return t, nil
}

func (s *Server) updateTrigger(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name, tname := r.Context(), accountID(r.Context()), r.PathValue("name"), r.PathValue("triggerName")
	var in fc.TriggerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	t, err := s.loadTrigger(ctx, account, name, tname)
	if err != nil {
		return err
	}
	if changed(in.TriggerName, t.TriggerName) || changed(in.TriggerType, t.TriggerType) || changed(in.SourceArn, t.SourceArn) {
		return fc.InvalidArgument("triggerName, triggerType and sourceArn cannot be changed by UpdateTrigger")
	}
	others, err := s.triggers(ctx, account, name)
	if err != nil {
		return err
	}
	others = slices.DeleteFunc(others, func(o *fc.Trigger) bool { return o.TriggerName == tname })
	return s.saveTrigger(w, r, name, t, &in, others)
}

func changed(in *string, current string) bool { return in != nil && *in != current }

// saveTrigger applies the input, checks the result against the function and
// its other triggers, stores it and answers it. The caller holds web.mu.
func (s *Server) saveTrigger(w http.ResponseWriter, r *http.Request, function string, t *fc.Trigger, in *fc.TriggerInput, others []*fc.Trigger) error {
	ctx, account := r.Context(), accountID(r.Context())
	applyTriggerInput(t, in)
	if err := s.checkTrigger(ctx, account, function, t, others); err != nil {
		return err
	}
	t.TargetArn = fc.FunctionARN(s.cfg.Region, account, function)
	t.LastModifiedTime = s.now().UTC().Format(timeFormat)
	if err := s.putDoc(ctx, account, kindTrigger, triggerDocName(function, t.TriggerName), t); err != nil {
		return err
	}
	s.onTriggerChange(ctx, account, function, t, false)
	writeJSON(w, http.StatusOK, s.triggerView(r, account, function, t))
	return nil
}

func applyTriggerInput(t *fc.Trigger, in *fc.TriggerInput) {
	if in.TriggerConfig != nil {
		t.TriggerConfig = string(*in.TriggerConfig)
	}
	if in.Qualifier != nil {
		t.Qualifier = *in.Qualifier
	}
	if in.Description != nil {
		t.Description = *in.Description
	}
	if in.InvocationRole != nil {
		t.InvocationRole = *in.InvocationRole
	}
	t.Qualifier = triggerQualifier(t)
}
