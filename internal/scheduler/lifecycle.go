package scheduler

import (
	"context"
	"fmt"

	"github.com/yun-fc/yun/internal/sandbox"
)

// run owns one instance from start to stop: it starts the sandbox, hands it to
// the pool, and stops it when the pool asks, when the scheduler shuts down
// or when the sandbox exits on its own. Only run stops the sandbox and
// releases its code.
func (s *Scheduler) run(p *pool, in *instance) {
	log := s.log.With("function", p.target.Function, "key", p.target.Key, "instance", in.id)
	sb, release, err := s.start(&p.target, in.id)
	if err != nil {
		if !s.shuttingDown() {
			log.Warn("instance start failed", "err", err)
		}
		p.startFailed(in, err)
		return
	}
	log.Debug("instance ready")
	p.started(in, sb)
	select {
	case <-in.stopReq:
	case <-s.shutdown:
	case <-sb.Done():
		log.Warn("instance exited on its own")
		p.lost(in)
	}
	// Stop with a context of its own: the instance must be cleaned up
	// whatever ended the scheduler's contexts.
	if err := sb.Stop(context.Background()); err != nil {
		log.Warn("instance stop failed", "err", err)
	}
	release()
	p.stopped(in)
	log.Debug("instance stopped")
}

// start acquires t's code and starts an instance on it.
func (s *Scheduler) start(t *Target, id string) (sandbox.Instance, func(), error) {
	dir, release, err := s.code.Acquire(s.startCtx, t.CodeChecksum)
	if err != nil {
		return nil, nil, fmt.Errorf("code %s: %w", t.CodeChecksum, err)
	}
	spec := t.Spec
	spec.InstanceID = id
	spec.CodeDir = dir
	sb, err := s.engine.Start(s.startCtx, &spec)
	if err != nil {
		release()
		return nil, nil, err
	}
	return sb, release, nil
}
