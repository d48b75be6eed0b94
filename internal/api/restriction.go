package api

import (
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
)

// disableInput is DisableFunctionInvocation's ad-hoc body.
type disableInput struct {
	AbortOngoingRequest bool   `json:"abortOngoingRequest"`
	Reason              string `json:"reason"`
}

func (s *Server) invocationControlRoutes() {
	p := "/2023-03-30/functions/{name}/invoke"
	s.handle("POST "+p+"/disable", s.disableInvocation)
	s.handle("POST "+p+"/enable", s.enableInvocation)
}

// disableInvocation refuses new invocations of every version of the
// function. With abortOngoingRequest its instances are retired at once
// (requests already running finish; none is cut off mid-way).
func (s *Server) disableInvocation(w http.ResponseWriter, r *http.Request) error {
	var in disableInput
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	if err := s.setRestriction(r, &fc.FunctionRestriction{Disable: true, Reason: in.Reason}); err != nil {
		return err
	}
	if in.AbortOngoingRequest {
		s.sched.Retire(cacheKey(accountID(r.Context()), r.PathValue("name")))
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	return nil
}

func (s *Server) enableInvocation(w http.ResponseWriter, r *http.Request) error {
	if err := s.setRestriction(r, &fc.FunctionRestriction{Disable: false}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	return nil
}

// setRestriction stores the restriction on LATEST and drops every cached
// version of the function, since the restriction applies to all of them.
func (s *Server) setRestriction(r *http.Request, rs *fc.FunctionRestriction) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	rs.LastModifiedTime = s.now().UTC().Format(timeFormat)
	_, err := s.store.UpdateFunction(ctx, account, name, func(f *fc.Function) error {
		f.InvocationRestriction = rs
		return nil
	})
	if err != nil {
		return notFound(name, err)
	}
	s.resolved.dropPrefix(qualifiedKey(account, name, ""))
	return nil
}
