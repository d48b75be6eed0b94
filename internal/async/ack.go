package async

import (
	"sync"
	"time"
)

// keepalive tells JetStream that the message is still being worked on every
// AckWait/3, until the returned function is called.
func (x *execution) keepalive() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(x.s.cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := x.m.InProgress(); err != nil {
					x.s.log.Warn("async task progress not reported", "task", x.key, "err", err)
				}
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// retryLater hands the message back after a platform error (store or
// config unavailable), with a backoff that grows with its deliveries.
func (x *execution) retryLater(err error) {
	x.s.log.Warn("async task postponed", "task", x.key, "err", err)
	x.nak(backoff(x.s.cfg.RetryBase, x.s.cfg.RetryMax, int(min(x.meta.NumDelivered, 32)), jitter))
}

func (x *execution) ack() {
	if err := x.m.Ack(); err != nil {
		x.s.log.Warn("async message not acked; it will be skipped when delivered again", "task", x.key, "err", err)
	}
}

// nak hands the message back, to be delivered again after d.
func (x *execution) nak(d time.Duration) {
	var err error
	if d <= 0 {
		err = x.m.Nak()
	} else {
		err = x.m.NakWithDelay(d)
	}
	if err != nil {
		x.s.log.Warn("async message not handed back; it comes back after AckWait", "task", x.key, "err", err)
	}
}
