package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// testUpdateConcurrent runs many increments at once; run it with -race. If
// updates were not atomic, two would read the same value and one be lost.
func testUpdateConcurrent(t *testing.T, s store.Store) {
	const workers = 50
	f := newFunction("counter")
	f.Timeout = 1
	mustCreate(t, s, "acct", f)

	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen []int
	)
	for range workers {
		wg.Go(func() {
			got, err := s.UpdateFunction(context.Background(), "acct", "counter", func(f *fc.Function) error {
				f.Timeout++
				return nil
			})
			if err != nil {
				t.Errorf("UpdateFunction: %v", err)
				return
			}
			mu.Lock()
			seen = append(seen, got.Timeout)
			mu.Unlock()
		})
	}
	wg.Wait()

	if got := mustGet(t, s, "acct", "counter").Timeout; got != 1+workers {
		t.Errorf("timeout after %d increments: got %d, want %d", workers, got, 1+workers)
	}
	slices.Sort(seen)
	want := make([]int, workers)
	for i := range want {
		want[i] = i + 2
	}
	checkEqual(t, "timeouts the updates returned", seen, want)
}

func testUpdateAbort(t *testing.T, s store.Store) {
	errRefused := errors.New("refused by the callback")
	want := newFunction("abort")
	mustCreate(t, s, "acct", want)
	_, err := s.UpdateFunction(context.Background(), "acct", "abort", func(f *fc.Function) error {
		f.Description = "half-made change"
		f.MemorySize = 1024
		return errRefused
	})
	if !errors.Is(err, errRefused) {
		t.Errorf("UpdateFunction with a failing callback: got error %v, want %v", err, errRefused)
	}
	checkEqual(t, "GetFunction after the aborted update", mustGet(t, s, "acct", "abort"), want)
}

func testUpdateRename(t *testing.T, s store.Store) {
	ctx := context.Background()
	want := newFunction("old")
	mustCreate(t, s, "acct", want)
	_, err := s.UpdateFunction(ctx, "acct", "old", func(f *fc.Function) error {
		f.FunctionName = "new"
		return nil
	})
	if err == nil {
		t.Errorf("UpdateFunction renaming the function: got no error, want one")
	}
	checkEqual(t, "GetFunction after the refused rename", mustGet(t, s, "acct", "old"), want)
	_, err = s.GetFunction(ctx, "acct", "new")
	checkErr(t, "GetFunction of the new name", err, store.ErrNotFound, "new")
}
