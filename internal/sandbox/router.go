package sandbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Router is an Engine made of several: it starts each instance on the
// engine that offers the spec's runtime (the first one listed wins).
type Router []Engine

var _ Engine = Router(nil)

// Runtimes lists every runtime any engine offers, sorted.
func (r Router) Runtimes() []string {
	var all []string
	for _, e := range r {
		for _, rt := range e.Runtimes() {
			if !slices.Contains(all, rt) {
				all = append(all, rt)
			}
		}
	}
	sort.Strings(all)
	return all
}

// Start starts the instance on the engine that runs spec.Runtime.
func (r Router) Start(ctx context.Context, spec *Spec) (Instance, error) {
	for _, e := range r {
		if slices.Contains(e.Runtimes(), spec.Runtime) {
			return e.Start(ctx, spec)
		}
	}
	return nil, fmt.Errorf("runtime %q: %w (this node offers %s)", spec.Runtime, ErrNoEngine, strings.Join(r.Runtimes(), ", "))
}

// ErrNoEngine is returned by Router.Start for a runtime no engine offers.
var ErrNoEngine = errors.New("no engine runs this runtime")
