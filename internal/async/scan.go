package async

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// scanLoop makes sure every function with queued invocations has a worker on
// this node: at Start (invocations accepted before a restart), then every
// ScanInterval (invocations submitted on other nodes, workers that retired).
func (s *Service) scanLoop() {
	t := time.NewTicker(s.cfg.ScanInterval)
	defer t.Stop()
	for {
		s.scan()
		select {
		case <-s.pullCtx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) scan() {
	ctx, cancel := context.WithTimeout(s.pullCtx, s.cfg.ScanInterval)
	defer cancel()
	info, err := s.stream.Info(ctx, jetstream.WithSubjectFilter(streamSubjects))
	if err != nil {
		if s.pullCtx.Err() == nil {
			s.log.Warn("async queue scan failed", "err", err)
		}
		return
	}
	for subject, n := range info.State.Subjects {
		if f, ok := refFromSubject(subject); ok && n > 0 {
			s.ensureWorker(f)
		}
	}
}
