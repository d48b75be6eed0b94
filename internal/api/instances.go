package api

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler"
)

// ListInstances shows the function's live instances on this node, as the
// scheduler holds them: status Starting, Idle, Busy or Draining, and
// resourceType provisioned or on-demand; a qualifier keeps those of the
// versions it runs. Instances of an older revision that are still finishing
// requests are not listed.
func (s *Server) listInstances(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	f, err := parseInstanceFilter(r.URL.Query())
	if err != nil {
		return err
	}
	sc, err := s.scaler()
	if err != nil {
		return err
	}
	if _, err := s.existingFunction(ctx, name); err != nil {
		return err
	}
	if f.versions, err = s.qualifierVersions(ctx, account, name, r.URL.Query().Get("qualifier")); err != nil {
		return err
	}
	out := &fc.ListInstancesOutput{Instances: []*fc.InstanceInfo{}, RequestID: requestID(ctx)}
	for _, in := range sc.Instances(cacheKey(account, name)) {
		info := instanceInfo(in)
		if f.match(info) && len(out.Instances) < f.limit {
			out.Instances = append(out.Instances, info)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func instanceInfo(in scheduler.InstanceInfo) *fc.InstanceInfo {
	kind := fc.ResourceOnDemand
	if in.Kind == scheduler.KindProvisioned {
		kind = fc.ResourceProvisioned
	}
	return &fc.InstanceInfo{InstanceID: in.ID, VersionID: in.VersionID, Qualifier: in.Qualifier,
		Status: instanceStatus(in), ResourceType: kind, CreatedTimeMs: in.Created.UnixMilli()}
}

func instanceStatus(in scheduler.InstanceInfo) string {
	switch {
	case in.State == scheduler.StateStarting:
		return "Starting"
	case in.State == scheduler.StateDraining:
		return "Draining"
	case in.State == scheduler.StateReady && in.Busy > 0:
		return "Busy"
	case in.State == scheduler.StateReady:
		return "Idle"
	}
	return "Stopped"
}

// qualifierVersions returns the versions a qualifier runs: LATEST or a
// version itself, an alias's main and additional versions; none for no
// qualifier (every version).
func (s *Server) qualifierVersions(ctx context.Context, account, name, qualifier string) ([]string, error) {
	if err := checkQualifier(qualifier); err != nil || qualifier == "" {
		return nil, err
	}
	if qualifier == fc.Latest || fc.IsVersionID(qualifier) {
		_, err := s.resolveVersion(ctx, account, name, qualifier)
		return []string{qualifier}, err
	}
	a, err := s.loadAlias(ctx, account, name, qualifier)
	if err != nil {
		return nil, err
	}
	return append(slices.Collect(maps.Keys(a.AdditionalVersionWeight)), a.VersionID), nil
}

// instanceFilter holds ListInstances' optional filters.
type instanceFilter struct {
	versions []string
	ids      []string
	statuses []string
	limit    int
}

func parseInstanceFilter(q url.Values) (instanceFilter, error) {
	f := instanceFilter{limit: maxListLimit}
	for param, dst := range map[string]*[]string{"instanceIds": &f.ids, "instanceStatus": &f.statuses} {
		if v := q.Get(param); v != "" {
			if err := json.Unmarshal([]byte(v), dst); err != nil {
				return f, fc.InvalidArgument("%s %q is invalid: want a JSON array of strings", param, v)
			}
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return f, fc.InvalidArgument("limit %q is invalid: an integer in [1, %d]", v, maxListLimit)
		}
		f.limit = n
	}
	return f, nil
}

func (f instanceFilter) match(in *fc.InstanceInfo) bool {
	return (len(f.versions) == 0 || slices.Contains(f.versions, in.VersionID)) &&
		(len(f.ids) == 0 || slices.Contains(f.ids, in.InstanceID)) &&
		(len(f.statuses) == 0 || slices.Contains(f.statuses, in.Status))
}
