package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/yun-fc/yun/bench/internal/probe"
)

// AwaitQuiet waits, at most timeout, for a second in which the whole machine
// was busy for at most maxBusy % of one core, so that a run on a shared
// machine starts while other work is light. It measures one-second windows
// of /proc/stat and returns the last window's figure and how long it waited.
// It does not stop other work from starting during the run: the reports
// show every second's "others" CPU for that.
func AwaitQuiet(ctx context.Context, maxBusy float64, timeout time.Duration) (busy float64, waited time.Duration, err error) {
	start := time.Now()
	prev, err := probe.MachineCPU("/proc")
	if err != nil {
		return 0, 0, err
	}
	last := start
	for {
		select {
		case <-ctx.Done():
			return busy, time.Since(start), ctx.Err()
		case <-time.After(time.Second):
		}
		now := time.Now()
		cur, err := probe.MachineCPU("/proc")
		if err != nil {
			return 0, time.Since(start), err
		}
		busy = 100 * float64(cur-prev) / float64(now.Sub(last))
		prev, last = cur, now
		if busy <= maxBusy || now.Sub(start) >= timeout {
			return busy, now.Sub(start), nil
		}
	}
}

// QuietNote describes the wait for the report.
func QuietNote(maxBusy, busy float64, waited time.Duration) string {
	if busy <= maxBusy {
		return fmt.Sprintf("the run started after waiting %v for a second in which the machine was at most %.0f%% "+
			"busy (it was %.0f%%)", waited.Round(time.Second), maxBusy, busy)
	}
	return fmt.Sprintf("the run started after waiting %v in vain for the machine to be at most %.0f%% busy "+
		"(it was %.0f%%)", waited.Round(time.Second), maxBusy, busy)
}

// AwaitQuiet waits as e's QuietBusy and QuietWait say and returns the note
// for the report, "" when e does not wait.
func (e *Env) AwaitQuiet(ctx context.Context) (string, error) {
	if e.QuietBusy <= 0 {
		return "", nil
	}
	e.Logf("waiting (at most %v) for the machine to be at most %.0f%% busy", e.QuietWait, e.QuietBusy)
	busy, waited, err := AwaitQuiet(ctx, e.QuietBusy, e.QuietWait)
	if err != nil {
		return "", err
	}
	note := QuietNote(e.QuietBusy, busy, waited)
	e.Logf("%s", note)
	return note, nil
}
