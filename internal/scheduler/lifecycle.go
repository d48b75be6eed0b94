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

// start acquires t's code and layers and starts an instance on them. The
// returned release gives all of them back.
func (s *Scheduler) start(t *Target, id string) (sandbox.Instance, func(), error) {
	var releases []func()
	release := func() {
		for _, r := range releases {
			r()
		}
	}
	acquire := func(checksum string) (string, error) {
		dir, r, err := s.code.Acquire(s.startCtx, checksum)
		if err != nil {
			return "", fmt.Errorf("code %s: %w", checksum, err)
		}
		releases = append(releases, r)
		return dir, nil
	}
	spec := t.Spec
	spec.InstanceID = id
	var err error
	if spec.CodeDir, err = acquire(t.CodeChecksum); err != nil {
		return nil, nil, err
	}
	if len(t.Layers) > 0 {
		spec.Layers = make([]string, len(t.Layers))
		for i, checksum := range t.Layers {
			if spec.Layers[i], err = acquire(checksum); err != nil {
				release()
				return nil, nil, fmt.Errorf("layer %d: %w", i+1, err)
			}
		}
	}
	sb, err := s.engine.Start(s.startCtx, &spec)
	if err != nil {
		release()
		return nil, nil, err
	}
	return sb, release, nil
}
