package scheduler

import "container/list"

// grant is what a waiter receives: a slot already taken on inst for it, or
// the error that ends its wait.
type grant struct {
	inst *instance
	err  error
}

// waiter is one queued request. Its pool sends exactly one grant on ch, under
// the pool's lock, when it takes the waiter off the queue; ch has room for it,
// so the send never blocks.
type waiter struct {
	ch   chan grant
	elem *list.Element // nil once off the queue
}

func (w *waiter) give(inst *instance) { w.ch <- grant{inst: inst} }
func (w *waiter) fail(err error)      { w.ch <- grant{err: err} }

// waitQueue is a pool's FIFO of waiters. Its zero value is empty.
type waitQueue struct {
	l list.List
}

func (q *waitQueue) len() int { return q.l.Len() }

// push appends a new waiter.
func (q *waitQueue) push() *waiter {
	w := &waiter{ch: make(chan grant, 1)}
	w.elem = q.l.PushBack(w)
	return w
}

// popFront takes the oldest waiter off the queue, or returns nil.
func (q *waitQueue) popFront() *waiter { return q.pop(q.l.Front()) }

// popBack takes the newest waiter off the queue, or returns nil.
func (q *waitQueue) popBack() *waiter { return q.pop(q.l.Back()) }

func (q *waitQueue) pop(e *list.Element) *waiter {
	if e == nil {
		return nil
	}
	w := q.l.Remove(e).(*waiter)
	w.elem = nil
	return w
}

// remove takes w off the queue; it reports false if w was no longer on it.
func (q *waitQueue) remove(w *waiter) bool {
	if w.elem == nil {
		return false
	}
	q.pop(w.elem)
	return true
}
