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
// reports them Broken or the engine cannot deliver to them, when their
// function is retired, when they are evicted to make room on the node, and
// when a provisioned target falls below them.
//
// Every instance is of one kind. Provisioned instances are kept at their
// Key's provisioned target (SetProvisioned) and never reclaimed for
// idleness; on-demand instances are started for demand and reclaimed by the
// KeepAlivePolicy (the node's, or the function's: SetKeepAlivePolicy). An
// AdaptivePolicy also learns each Key's idle times from its pool (arrivals,
// releases, starts) and may ask for a pre-warm: an on-demand instance the
// pool's timer starts ahead of a predicted call, through the same start
// path and within the same capacity, counted apart from cold starts (see
// keepalive*.go, prewarm.go). A pool below its target first promotes its live
// on-demand instances, then starts provisioned ones; above it, idle
// provisioned instances stop and busy ones become on-demand. The
// provisioning loop (StartProvisioning, package provision) sets the targets
// from the provision configs every second.
//
// # Request path
//
// Invoke takes a free slot at once when a ready instance has one: a
// provisioned instance first, then the most recently used (packing load onto
// few instances lets the others go idle and be reclaimed). Otherwise the
// request joins the pool's queue and the pool decides, from its provisioned
// deficit and its in-flight and queued demand, how many instances to start
// (see startPlan). A slot that frees and an instance that becomes ready hand
// themselves straight to the head of the queue.
//
// Scale-up may keep headroom, as Knative's target utilisation does, so that
// a pool grows before its queue forms rather than one instance boot after
// it (off by default: with pre-warmed sandboxes a boot is milliseconds, and
// spare boots cost a surge's instances CPU; see Config.TargetUtilization):
// demand may fill only floor(instanceConcurrency × Config.TargetUtilization)
// slots (at least one) of each on-demand instance, so desired = provisioned
// + ceil((in-flight + queued − provisioned slots) / usable slots). A request
// that takes a free slot re-checks this (headroomLocked), so spares start
// while requests are still served at once. Provisioned instances are filled
// to their last slot first: their owner chose that capacity. Spares are
// on-demand instances started only with the capacity and creation tokens
// free at that moment (they never wait, block or evict), and packing leaves
// them idle once load falls, so the KeepAlivePolicy reclaims them.
//
// At most Config.MaxStarting instances of a pool start at once (default
// the node's CPUs): booting runtimes is CPU-bound, and a boot storm
// (dozens at once after a queue formed) starves the instances already
// serving, makes every boot slow, and so lets the queue and the storm grow.
// A pool re-decides whenever one of its starts ends.
//
// # Capacity
//
// Every live instance (starting, ready or draining) holds, in the
// scheduler's capacity ledger, one instance of its function and of its
// account and its memorySize of the node's memory. Starts are bounded, in
// this order, by Config.MaxInstances per Key, the function's
// reservedConcurrency (SetReservedConcurrency), the account's
// Config.AccountInstanceQuota, Config.NodeMemoryMB and the node's creation
// rate (a token bucket). A pool held back by the ledger waits in its blocked
// set; the rebalancer goroutine retries blocked pools whenever an instance
// stops or goes idle, and evicts idle on-demand instances of other Keys,
// least recently used first (planEvictions): any Key's for memory, the same
// account's for the quota. The function's own reservedConcurrency evicts
// nothing. Requests held back by memory wait (within their wait bound);
// those held back by the quota with nothing to evict are refused.
//
// # Invariants
//
//   - No ready instance has a free slot while its pool's queue is non-empty.
//   - An instance never serves more than Concurrency requests at once.
//   - Each instance in a pool holds exactly one reservation in the capacity
//     ledger, taken before it is added and given back when it is removed.
//   - Provisioned instances are never reclaimed for idleness or evicted.
//   - Every instance started is stopped, and its code directory released,
//     by the goroutine that started it (see Scheduler.run).
//   - Every goroutine the scheduler starts is tracked and Close waits for it.
//
// Decisions (which instance gets a request, how many to start, whether a
// request is beyond its function's cap, what to evict, when an idle instance
// expires, how long to back off, the provisioned target at a given time) are
// pure functions of the observed state and a time passed in; see policy.go,
// capacity.go (headroom), evict.go, keepalive.go and package provision. A
// pool applies them under its lock, and one timer per pool wakes it for the
// next deadline.
//
// # Errors
//
// Refusals are *fc.Error values that also match a sentinel with errors.Is:
//
//	queue full              429 ResourceExhausted               ErrQueueFull            retry-after 1
//	no slot within bound    503 ResourceThrottled               ErrQueueTimeout         retry-after 1
//	beyond reservedConc.    429 Throttling.ReservedConcurrency  ErrReservedConcurrency  retry-after 1
//	reservedConcurrency 0   429 ResourceExhausted               ErrReservedConcurrency  (none)
//	account quota, nothing  503 ResourceThrottled               ErrInstanceQuota        retry-after 1
//	  idle to evict
//	scheduler closed        503 ServiceUnavailable              ErrClosed               retry-after 1
//
// A request is beyond its function's reservedConcurrency when, with no free
// slot, serving it needs more instances than the cap leaves (beyondCap): it
// is refused before it queues, as Lambda and FC throttle. A request held
// back by node memory waits; its timeout message names the limit.
//
// The wait bound is min(Config.MaxQueueWait, Target.Timeout). A caller whose
// context ends while queued gets its context error, wrapped. A failed start
// fails, newest first, its own share of the waiters (its slots) while other
// instances still start, or every waiter no instance could serve when none
// does (failedStartRefusals), with the start's error (often a
// *sandbox.InitError, which the API answers as FC's 200 with
// x-fc-error-type InitializationError). After a failed start the pool backs
// off (1s doubling to 1m, reset by a successful start); during the backoff a
// request that no instance could serve fails at once with the last start
// error instead of queueing, and the first request after it gets a fresh try.
//
// # Locking
//
// Lock order, outermost first:
//
//	Scheduler.mu             pool map, closing state; never held with another lock
//	pool.mu                  a pool and its instances
//	capacity.mu, startLimiter.mu, group.mu   leaves, taken under pool.mu
//	an adaptive keep-alive policy's mu       a leaf, taken under pool.mu
//
// No code holds two pool locks at once: work that spans pools (retrying
// blocked pools, eviction, metrics collection, Instances) takes them one at
// a time, from the rebalancer goroutine or the caller. Wake-ups of the
// rebalancer and the provisioning loop are non-blocking sends, safe under
// any lock.
//
// # Goroutines
//
// All are tracked by the scheduler's group and end by Close: one per
// instance (run), pool timers, the rebalancer, and the provisioning loop,
// which Close stops first.
//
// # Metrics
//
// With Config.Metrics set (see metrics.go): yun_invocations_total,
// yun_invocation_errors_total{type}, yun_invocation_duration_seconds,
// yun_queue_wait_seconds, yun_queue_length, yun_cold_starts_total{kind},
// yun_instance_start_duration_seconds{kind},
// yun_instance_start_failures_total, yun_instances{state,kind},
// yun_provisioned_target, yun_scale_decisions_total{decision},
// yun_keepalive_{prewarms,reclaims}_total{policy}, yun_keepalive_policy{policy},
// yun_keepalive_predicted_call_timestamp_seconds (all by function,
// "account/name"), yun_keepalive_node_policy{policy} and
// yun_node_memory_{reserved,capacity}_megabytes.
package scheduler
