package main

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// drainResult is what the wait for the backlog found.
type drainResult struct {
	Observed time.Duration   // when the poller saw every task terminal (offset)
	Polls    int             // progress polls made
	TimedOut bool            // DrainLimit passed first
	Tasks    []*fc.AsyncTask // every task of the load function, read after the wait
}

// awaitDrain polls until every accepted task has ended or cfg.DrainLimit
// has passed since the first submission, then reads every task once.
//
// A poll reads the cfg.PollSample most recently accepted tasks with
// GetAsyncTask (cheap); only when all of them have ended does it count the
// terminal tasks through ListAsyncTasks, whose cost grows with the backlog.
// So the poller's own load on the server stays small while the backlog
// drains.
func awaitDrain(ctx context.Context, c *client.Client, clock load.Clock, sub submission, cfg Config) (drainResult, error) {
	var r drainResult
	deadline := sub.Start + cfg.DrainLimit
	sample := latestAccepted(sub.Samples, cfg.PollSample)
	maxPages := len(sub.TaskIDs)/pageLimit + 10
	for clock.Now() < deadline && ctx.Err() == nil {
		r.Polls++
		done, err := drained(ctx, c, sample, len(sub.TaskIDs), maxPages)
		if err != nil {
			return r, err
		}
		if done {
			r.Observed = clock.Now()
			break
		}
		sleep(ctx, cfg.PollEvery)
	}
	r.TimedOut = r.Observed == 0
	tasks, err := listTasks(ctx, c, "", maxPages)
	r.Tasks = tasks
	return r, errors.Join(ctx.Err(), err)
}

// drained reports whether the sample has ended and, if so, whether want
// tasks have.
func drained(ctx context.Context, c *client.Client, sample []string, want, maxPages int) (bool, error) {
	for _, id := range sample {
		t, err := getTask(ctx, c, id)
		if err != nil {
			return false, err
		}
		if !terminal(t.Status) {
			return false, nil
		}
	}
	tasks, err := listTasks(ctx, c, "", maxPages)
	if err != nil {
		return false, err
	}
	ended := 0
	for _, t := range tasks {
		if terminal(t.Status) {
			ended++
		}
	}
	return ended >= want, nil
}

// latestAccepted returns the task ids of the n accepted samples that ended
// last.
func latestAccepted(samples []load.Sample, n int) []string {
	ok := slices.DeleteFunc(slices.Clone(samples), func(s load.Sample) bool { return !s.OK() })
	slices.SortFunc(ok, func(a, b load.Sample) int { return cmp.Compare(b.End, a.End) })
	var ids []string
	for _, s := range ok[:min(n, len(ok))] {
		ids = append(ids, s.Value)
	}
	return ids
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
