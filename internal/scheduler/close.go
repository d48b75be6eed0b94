package scheduler

import "context"

// Close shuts the scheduler down. The provisioning loop stops first. New
// Invoke calls fail with ErrClosed at once; admitted ones, queued or running, go on until they finish or ctx is
// done. Then requests still queued fail with ErrClosed, starts in progress
// are abandoned and every instance is stopped, and Close returns once every
// goroutine of the scheduler has ended. It returns ctx.Err() if ctx ended
// the wait for admitted calls; Invoke calls still running then end with the
// engine's error for a stopped instance.
//
// Close is idempotent: later calls wait for the first one to complete.
func (s *Scheduler) Close(ctx context.Context) error {
	if !s.beginClose() {
		select {
		case <-s.finished:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var err error
	select {
	case <-s.drained:
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.group.stop()
	close(s.shutdown)
	s.cancelStart()
	s.group.wait()
	close(s.finished)
	return err
}

// beginClose stops admissions; it reports false if Close had begun already.
func (s *Scheduler) beginClose() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.closing = true
	close(s.stopProvisioning)
	if s.active == 0 {
		close(s.drained)
	}
	return true
}
