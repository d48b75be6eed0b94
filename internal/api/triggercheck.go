package api

import (
	"context"
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
)

// checkTrigger validates a trigger's configuration by type and its
// qualifier, which must exist, and sets its status.
func (s *Server) checkTrigger(ctx context.Context, account, function string, t *fc.Trigger, others []*fc.Trigger) error {
	if len(t.TriggerConfig) > fc.MaxTriggerConfig {
		return fc.InvalidArgument("triggerConfig has %d bytes, at most %d are allowed", len(t.TriggerConfig), fc.MaxTriggerConfig)
	}
	if err := fc.ValidQualifier(t.Qualifier); err != nil {
		return err
	}
	if len([]rune(t.Description)) > fc.MaxDescription {
		return fc.InvalidArgument("description is longer than %d characters", fc.MaxDescription)
	}
	t.Status = fc.TriggerEnabled
	switch t.TriggerType {
	case fc.TriggerTimer:
		c, err := fc.ParseTimerTriggerConfig(t.TriggerConfig)
		if err != nil {
			return err
		}
		if !c.Enable {
			t.Status = fc.TriggerDisabled
		}
	case fc.TriggerHTTP:
		if err := s.checkHTTPTrigger(account, function, t, others); err != nil {
			return err
		}
	}
	_, err := s.resolve(ctx, account, function, t.Qualifier)
	return err
}

// checkHTTPTrigger compiles the trigger (which checks its configuration and
// keys) and applies FC's rule of one HTTP trigger per qualifier.
func (s *Server) checkHTTPTrigger(account, function string, t *fc.Trigger, others []*fc.Trigger) error {
	if _, err := s.triggerRoute(account, function, t); err != nil {
		return err
	}
	for _, o := range others {
		if o.TriggerType == fc.TriggerHTTP && triggerQualifier(o) == t.Qualifier {
			return fc.Errorf(http.StatusConflict, "TriggerAlreadyExists",
				"function '%s' already has the HTTP trigger '%s' for qualifier '%s'; a qualifier has at most one", function, o.TriggerName, t.Qualifier)
		}
	}
	return nil
}
