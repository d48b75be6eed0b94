package scheduler

import "context"

type waitWatchKey struct{}

// WithWaitWatch returns ctx carrying watch, which a request calls when it
// starts to wait for an instance; the stop it returns is called when the
// wait ends. A caller whose context is not cancelled by itself when its
// client goes away (internal/front's lean loop) watches the client only
// while it waits: the wait is where a caller that left must leave the
// queue.
func WithWaitWatch(ctx context.Context, watch func() (stop func())) context.Context {
	return context.WithValue(ctx, waitWatchKey{}, watch)
}

// watchWait starts ctx's wait watch, if it has one, and returns its stop.
func watchWait(ctx context.Context) (stop func()) {
	if watch, ok := ctx.Value(waitWatchKey{}).(func() (stop func())); ok {
		return watch()
	}
	return func() {}
}
