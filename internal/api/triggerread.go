package api

import (
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
)

// triggerView is a stored trigger as the API answers it: an HTTP trigger
// gains its URLs.
func (s *Server) triggerView(r *http.Request, account, function string, t *fc.Trigger) *fc.Trigger {
	v := *t
	if v.TriggerType != fc.TriggerHTTP {
		return &v
	}
	u := s.triggerURL(r, account, function, triggerQualifier(t))
	v.HTTPTrigger = &fc.HTTPTrigger{URLInternet: u, URLIntranet: u}
	if c, err := fc.ParseHTTPTriggerConfig(t.TriggerConfig); err == nil && c.DisableURLInternet {
		v.HTTPTrigger.URLInternet = ""
	}
	return &v
}

func (s *Server) getTrigger(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	t, err := s.loadTrigger(ctx, account, name, r.PathValue("triggerName"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.triggerView(r, account, name, t))
	return nil
}

func (s *Server) deleteTrigger(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name, tname := r.Context(), accountID(r.Context()), r.PathValue("name"), r.PathValue("triggerName")
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	t, err := s.loadTrigger(ctx, account, name, tname)
	if err != nil {
		return err
	}
	if err := s.store.DeleteDoc(ctx, account, kindTrigger, triggerDocName(name, tname)); err != nil {
		return err
	}
	s.onTriggerChange(ctx, account, name, t, true)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTriggers(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	if _, err := s.store.GetFunction(ctx, account, name); err != nil {
		return notFound(name, err)
	}
	after := ""
	if p.startAfter != "" {
		after = triggerDocName(name, p.startAfter)
	}
	docs, err := s.store.ListDocs(ctx, account, kindTrigger, triggerDocName(name, p.prefix), after, p.limit+1)
	if err != nil {
		return err
	}
	ts, err := decodeTriggers(docs)
	if err != nil {
		return err
	}
	out := &fc.ListTriggersOutput{Triggers: make([]*fc.Trigger, 0, len(ts))}
	for _, t := range ts {
		out.Triggers = append(out.Triggers, s.triggerView(r, account, name, t))
	}
	if len(out.Triggers) > p.limit {
		out.Triggers = out.Triggers[:p.limit]
		out.NextToken = nextToken(out.Triggers[p.limit-1].TriggerName)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
