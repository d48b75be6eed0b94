// Package scheduler is Yun's resource scheduler: it owns every instance of
// every function version on this node and gives each request a concurrency
// slot on one of them.
//
// # Concepts
//
// A Target names one function version and configuration revision by its Key.
// Every Key has a pool: its instances, a FIFO queue of waiting requests and
// its start-failure backoff. An instance belongs to one pool for its whole
// life and never serves another Key.
//
// An instance moves through these states:
//
//	starting → ready (idle, or busy with n of Concurrency slots) → draining → stopped
//	starting → failed            (the engine could not start it)
//	ready    → failed → stopped  (the sandbox exited on its own)
//
// A draining instance takes no new request and stops once its last request
// returns. Instances drain when their keep-alive expires, when an invocation
// reports them Broken or the engine cannot deliver to them, and when their
// function is retired.
//
// # Request path
//
// Invoke takes a free slot at once when a ready instance has one, choosing the
// most recently used such instance (packing load onto few instances lets the
// others go idle and be reclaimed). Otherwise the request joins the pool's
// queue and the pool decides, from in-flight and queued demand, how many
// instances to start (see instancesToStart). A slot that frees and an instance
// that becomes ready hand themselves straight to the head of the queue.
//
// # Invariants
//
//   - No ready instance has a free slot while its pool's queue is non-empty.
//   - An instance never serves more than Concurrency requests at once.
//   - Every instance started is stopped, and its code directory released,
//     by the goroutine that started it (see Scheduler.run).
//   - Every goroutine the scheduler starts is tracked and Close waits for it.
//
// Decisions (which instance gets a request, how many to start, when an idle
// instance expires, how long to back off) are pure functions of the observed
// state and a time passed in; see policy.go and keepalive.go. A pool applies
// them under its lock, and one timer per pool wakes it for the next deadline.
//
// # Errors
//
// Refusals are *fc.Error values that also match a sentinel with errors.Is:
//
//	queue full            429 ResourceExhausted   ErrQueueFull     x-acs-retry-after 1
//	no slot within bound  503 ResourceThrottled   ErrQueueTimeout  x-acs-retry-after 1
//	scheduler closed      503 ServiceUnavailable  ErrClosed        x-acs-retry-after 1
//
// The wait bound is min(Config.MaxQueueWait, Target.Timeout). A caller whose
// context ends while queued gets its context error, wrapped. A failed start
// fails the waiters that no remaining instance could serve with the start's
// error (often a *sandbox.InitError, which the API answers as FC's 200 with
// x-fc-error-type InitializationError). After a failed start the pool backs
// off (1s doubling to 1m, reset by a successful start); during the backoff a
// request that no instance could serve fails at once with the last start
// error instead of queueing, and the first request after it gets a fresh try.
//
// # Locking
//
// Scheduler.mu guards the pool map and the closing state and is never held
// with another lock. pool.mu guards a pool and its instances; while holding
// it, code may take the leaf locks group.mu and startLimiter.mu. No code holds
// two pool locks at once.
package scheduler
