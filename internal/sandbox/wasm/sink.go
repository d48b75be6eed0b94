package wasm

import (
	"context"
	"fmt"
	"io"

	"github.com/yun-fc/yun/internal/sandbox"
)

// startSink starts the instance's log sink (nil when there is no writer);
// the instance owns its goroutine and ends it with shutSink.
func startSink(w io.Writer) *sandbox.LogSink {
	s := sandbox.NewLogSink(w)
	if s != nil {
		go s.Run()
	}
	return s
}

// shutSink stops the sink and waits, at most until ctx ends, for it to write
// what is queued.
func shutSink(ctx context.Context, s *sandbox.LogSink) error {
	if s == nil {
		return nil
	}
	s.Shut()
	select {
	case <-s.Done():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flush logs: %w", ctx.Err())
	}
}
