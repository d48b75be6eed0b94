package async

import (
	"context"
	"sync"
)

// runningSet holds the cancel functions of the executions running on this
// node, by task key, so that StopAsyncTask can cancel them. A key may hold
// more than one execution for a moment (a message delivered again while its
// first delivery still runs).
type runningSet struct {
	mu   sync.Mutex
	next uint64
	m    map[string]map[uint64]context.CancelCauseFunc
}

func newRunningSet() *runningSet {
	return &runningSet{m: make(map[string]map[uint64]context.CancelCauseFunc)}
}

// add registers an execution and returns its handle for remove.
func (r *runningSet) add(key string, cancel context.CancelCauseFunc) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.next++
	if r.m[key] == nil {
		r.m[key] = make(map[uint64]context.CancelCauseFunc)
	}
	r.m[key][r.next] = cancel
	return r.next
}

func (r *runningSet) remove(key string, id uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m[key], id)
	if len(r.m[key]) == 0 {
		delete(r.m, key)
	}
}

// cancel cancels every execution of key with cause and reports how many
// there were.
func (r *runningSet) cancel(key string, cause error) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.m[key] {
		c(cause)
	}
	return len(r.m[key])
}
