package scheduler

import (
	"cmp"
	"slices"
	"time"
)

// InstanceInfo describes one live instance for ListInstances.
type InstanceInfo struct {
	ID        string
	Key       string
	Qualifier string
	VersionID string
	State     State
	Kind      Kind
	// Busy is how many of the instance's Concurrency slots are in use.
	Busy        int
	Concurrency int
	Created     time.Time
}

// Instances lists the starting, ready and draining instances of function's
// current Keys, oldest first. Instances of Keys retired by an update or a
// delete are no longer listed, though they may still be finishing requests.
func (s *Scheduler) Instances(function string) []InstanceInfo {
	var out []InstanceInfo
	for _, p := range s.livePools() {
		if p.target.Function == function {
			out = p.appendInfo(out)
		}
	}
	slices.SortFunc(out, func(a, b InstanceInfo) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func (p *pool) appendInfo(out []InstanceInfo) []InstanceInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, in := range p.instances {
		out = append(out, InstanceInfo{ID: in.id, Key: p.target.Key, Qualifier: p.target.Spec.Qualifier,
			VersionID: p.target.Spec.VersionID, State: in.state, Kind: in.kind, Busy: in.busy,
			Concurrency: p.slots, Created: in.created})
	}
	return out
}

// livePools returns the pools of the Keys not retired.
func (s *Scheduler) livePools() []*pool {
	s.mu.Lock()
	defer s.mu.Unlock()
	pools := make([]*pool, 0, len(s.pools))
	for _, p := range s.pools {
		pools = append(pools, p)
	}
	return pools
}
