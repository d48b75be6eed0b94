package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler/provision"
	"github.com/yun-fc/yun/internal/store"
)

// Provision configs (fc3-api.md §2): stored per function and qualifier,
// applied by the scheduler's provisioning loop, reported with the
// scheduler's count of ready provisioned instances.

func (s *Server) putProvisionConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	qualifier, err := s.provisionQualifier(r)
	if err != nil {
		return err
	}
	var in fc.PutProvisionConfigInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sc, err := s.scaler()
	if err != nil {
		return err
	}
	if _, err := provision.Compile(&in); err != nil {
		return err
	}
	if err := s.putDoc(ctx, account, kindProvision, name+"/"+qualifier, &in); err != nil {
		return err
	}
	sc.ProvisionChanged()
	out, err := s.provisionConfig(ctx, sc, account, name, qualifier, &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getProvisionConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	qualifier, err := s.provisionQualifier(r)
	if err != nil {
		return err
	}
	sc, err := s.scaler()
	if err != nil {
		return err
	}
	in, err := s.storedProvision(ctx, account, name, qualifier)
	if err != nil {
		return err
	}
	out, err := s.provisionConfig(ctx, sc, account, name, qualifier, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteProvisionConfig(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	qualifier, err := s.provisionQualifier(r)
	if err != nil {
		return err
	}
	sc, err := s.scaler()
	if err != nil {
		return err
	}
	err = s.store.DeleteDoc(ctx, account, kindProvision, name+"/"+qualifier)
	if errorsIsNotFound(err) {
		return fc.ProvisionConfigNotFound(name, qualifier)
	}
	if err != nil {
		return err
	}
	sc.ProvisionChanged()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listProvisionConfigs(w http.ResponseWriter, r *http.Request) error {
	ctx, account := r.Context(), accountID(r.Context())
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	sc, err := s.scaler()
	if err != nil {
		return err
	}
	prefix := ""
	if fn := r.URL.Query().Get("functionName"); fn != "" {
		prefix = fn + "/"
	}
	docs, err := s.store.ListDocs(ctx, account, kindProvision, prefix, p.startAfter, p.limit+1)
	if err != nil {
		return err
	}
	out := &fc.ListProvisionConfigsOutput{ProvisionConfigs: []*fc.ProvisionConfig{}}
	for i, d := range docs {
		if i == p.limit {
			out.NextToken = nextToken(docs[i-1].Name)
			break
		}
		cfg, err := s.listedProvision(ctx, sc, account, d)
		if err != nil {
			return err
		}
		out.ProvisionConfigs = append(out.ProvisionConfigs, cfg)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listedProvision(ctx context.Context, sc scaler, account string, d *store.Doc) (*fc.ProvisionConfig, error) {
	var in fc.PutProvisionConfigInput
	if err := json.Unmarshal(d.Value, &in); err != nil {
		return nil, err
	}
	name, qualifier := splitDocName(d.Name)
	return s.provisionConfig(ctx, sc, account, name, qualifier, &in)
}

// storedProvision reads a provision config, or ProvisionConfigNotFound.
func (s *Server) storedProvision(ctx context.Context, account, name, qualifier string) (*fc.PutProvisionConfigInput, error) {
	d, err := s.store.GetDoc(ctx, account, kindProvision, name+"/"+qualifier)
	if errorsIsNotFound(err) {
		return nil, fc.ProvisionConfigNotFound(name, qualifier)
	}
	if err != nil {
		return nil, err
	}
	var in fc.PutProvisionConfigInput
	if err := json.Unmarshal(d.Value, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// provisionConfig reports a config with the scheduler's view of it. target
// is the target in force now: the scheduled one, or, for a config with
// tracking policies, the one the provisioning loop last applied (only it
// observes load). current counts the ready provisioned instances of the
// function's current revision.
func (s *Server) provisionConfig(ctx context.Context, sc scaler, account, name, qualifier string, in *fc.PutProvisionConfigInput) (*fc.ProvisionConfig, error) {
	plan, err := provision.Compile(in)
	if err != nil {
		return nil, err
	}
	out := &fc.ProvisionConfig{
		FunctionArn: fc.FunctionARN(s.cfg.Region, account, name) + "/" + qualifier, Target: plan.Scheduled(s.now()),
		DefaultTarget: in.DefaultTarget, AlwaysAllocateCPU: deref(in.AlwaysAllocateCPU), AlwaysAllocateGPU: deref(in.AlwaysAllocateGPU),
		ScheduledActions: nonNil(in.ScheduledActions), TargetTrackingPolicies: nonNil(in.TargetTrackingPolicies),
	}
	t, err := s.provisionTarget(ctx, account, name, qualifier)
	if isNotFound(err) {
		return out, nil // the function, version or alias went away meanwhile
	}
	if err != nil {
		return nil, err
	}
	st := sc.Provisioned(t.Key)
	if plan.Tracks() {
		out.Target = st.Target
	}
	out.Current, out.CurrentError = st.Current, st.Err
	return out, nil
}

// provisionQualifier reads the qualifier of a provision config operation
// (none means LATEST) and checks that it exists: LATEST, a version or an
// alias of the function.
func (s *Server) provisionQualifier(r *http.Request) (string, error) {
	q := r.URL.Query().Get("qualifier")
	if err := checkQualifier(q); err != nil {
		return "", err
	}
	if q == "" {
		q = fc.Latest
	}
	ctx := r.Context()
	_, err := s.provisionTarget(ctx, accountID(ctx), r.PathValue("name"), q)
	return q, err
}
