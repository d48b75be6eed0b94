package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

// CodeSource gives an instance its unpacked code. blob.Cache implements it.
type CodeSource interface {
	// Acquire returns the directory holding the package with checksum; it
	// stays there until release is called.
	Acquire(ctx context.Context, checksum string) (dir string, release func(), err error)
}

// Target is what a request runs: one function version in one configuration
// revision. Targets with the same Key must be identical.
type Target struct {
	// Key identifies the version and configuration revision; instances of
	// different Keys never mix.
	Key string
	// Function ("account/name") groups Keys for Retire, reservedConcurrency
	// and metrics; the part before the first '/' is the account, whose
	// instance quota the Key's instances count against.
	Function string
	// Spec is the template of every instance; the scheduler fills in
	// InstanceID and CodeDir and treats the rest as read-only. Its
	// MemoryMB is what each instance reserves of the node's memory.
	Spec         sandbox.Spec
	CodeChecksum string
	// Layers are the code packages of the function's layers, in order; each
	// instance gets them unpacked in Spec.Layers.
	Layers []string
	// KeepAlive is the function's own keep-alive policy; nil leaves its
	// instances to SetKeepAlivePolicy's or the node's.
	KeepAlive KeepAlivePolicy
	// Concurrency is the slots of one instance (instanceConcurrency);
	// 0 means FC's default, 1.
	Concurrency int
	// Timeout is the function's timeout; a request never waits longer
	// than this for a slot. 0 means only Config.MaxQueueWait applies.
	Timeout time.Duration
}

func (t *Target) validate() error {
	switch {
	case t == nil:
		return errors.New("scheduler: nil target")
	case t.Key == "":
		return fmt.Errorf("scheduler: target of function %q: empty Key", t.Function)
	case t.Concurrency < 0 || t.Concurrency > fc.MaxConcurrency:
		return fmt.Errorf("scheduler: target %q: Concurrency %d: must be within 0..%d", t.Key, t.Concurrency, fc.MaxConcurrency)
	case t.Timeout < 0:
		return fmt.Errorf("scheduler: target %q: Timeout %v: must not be negative", t.Key, t.Timeout)
	}
	return nil
}

// slots returns the instance concurrency with its default applied.
func (t *Target) slots() int {
	return max(t.Concurrency, fc.DefaultConcurrency)
}

// waitBound is how long a request for t may wait in the queue.
func (t *Target) waitBound(maxWait time.Duration) time.Duration {
	if t.Timeout > 0 {
		return min(t.Timeout, maxWait)
	}
	return maxWait
}
