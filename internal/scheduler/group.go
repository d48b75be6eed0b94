package scheduler

import "sync"

// group owns the scheduler's goroutines. Once stop is called it refuses new
// ones, so that wait never races with an Add.
type group struct {
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

// Go runs f in a tracked goroutine; it reports false, and does not run f,
// once the group has stopped.
func (g *group) Go(f func()) bool {
	if !g.enter() {
		return false
	}
	go func() {
		defer g.leave()
		f()
	}()
	return true
}

// enter tracks a goroutine the caller is already running (a timer's).
func (g *group) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return false
	}
	g.wg.Add(1)
	return true
}

func (g *group) leave() { g.wg.Done() }

// stop refuses new goroutines.
func (g *group) stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
}

// wait returns once every tracked goroutine has returned.
func (g *group) wait() { g.wg.Wait() }
