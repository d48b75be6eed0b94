package scheduler

import (
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

// scaleLocked starts the instances the pool's demand asks for, unless starts
// are backing off or the node's creation rate is spent; then it arms the
// pool's timer to try again.
func (p *pool) scaleLocked(now time.Time) {
	if p.s.shuttingDown() {
		return
	}
	n := instancesToStart(p.demandLocked(), p.s.cfg.MaxInstances)
	if n == 0 {
		return
	}
	if p.backoff.active(now) {
		p.wakeAtLocked(p.backoff.until, now)
		return
	}
	got, next := p.s.limiter.take(now, n)
	if got < n {
		p.wakeAtLocked(next, now)
	}
	for range got {
		p.startLocked(now)
	}
}

// startLocked adds a starting instance and the goroutine that owns it.
func (p *pool) startLocked(now time.Time) {
	in := newInstance(p.s.newInstanceID(), now)
	p.instances = append(p.instances, in)
	if !p.s.group.Go(func() { p.s.run(p, in) }) {
		p.removeLocked(in)
	}
}

// started makes in ready and gives it to the queue.
func (p *pool) started(in *instance, sb sandbox.Instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	in.sb = sb
	in.state = StateReady
	in.lastUsed = now
	p.backoff = backoff{}
	p.serveQueueLocked(in, now)
	p.settleLocked(in, now)
}

// startFailed drops in, starts the backoff and fails the waiters that no
// remaining instance could serve, newest first: the instances still coming
// serve the oldest.
func (p *pool) startFailed(in *instance, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in.state = StateFailed
	p.removeLocked(in)
	if p.s.shuttingDown() {
		return
	}
	now := time.Now()
	p.backoff.fail(now, err)
	err = startError(p.target.Function, in.id, err)
	for range unservable(p.demandLocked()) {
		p.queue.popBack().fail(err)
	}
	p.scaleLocked(now)
}

// lost marks an instance whose sandbox exited on its own.
func (p *pool) lost(in *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in.state = StateFailed
}

// stopped forgets an instance that has been stopped; its place may go to a
// new one.
func (p *pool) stopped(in *instance) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if in.state != StateFailed {
		in.state = StateStopped
	}
	p.removeLocked(in)
	p.scaleLocked(time.Now())
}
