package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// testContextDone calls every write with a cancelled context and checks that
// each fails with context.Canceled and leaves the store as it was.
func testContextDone(t *testing.T, s store.Store) {
	want := newFunction("kept")
	mustCreate(t, s, "acct", want)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	writes := []struct {
		name string
		call func() error
	}{
		{"PutAccount", func() error { return s.PutAccount(ctx, &store.Account{ID: "acct"}) }},
		{"PutAccessKey", func() error { return s.PutAccessKey(ctx, &store.AccessKey{ID: "AK", AccountID: "acct"}) }},
		{"CreateFunction", func() error { return s.CreateFunction(ctx, "acct", newFunction("new")) }},
		{"UpdateFunction", func() error {
			_, err := s.UpdateFunction(ctx, "acct", "kept", func(f *fc.Function) error {
				f.Timeout = 99
				return nil
			})
			return err
		}},
		{"DeleteFunction", func() error { return s.DeleteFunction(ctx, "acct", "kept") }},
	}
	for _, tc := range writes {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a cancelled context: got error %v, want %v", tc.name, err, context.Canceled)
			}
		})
	}
	checkUnchanged(t, s, want)
}

// checkUnchanged checks that the store holds want and nothing else.
func checkUnchanged(t *testing.T, s store.Store, want *fc.Function) {
	t.Helper()
	ctx := context.Background()
	list, err := s.ListFunctions(ctx, "acct", "", "", 0)
	if err != nil {
		t.Fatalf("ListFunctions: %v", err)
	}
	checkEqual(t, "functions after the cancelled writes", list, []*fc.Function{want})
	if _, err := s.GetAccount(ctx, "acct"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAccount after a cancelled PutAccount: got error %v, want %v", err, store.ErrNotFound)
	}
	if _, err := s.GetAccessKey(ctx, "AK"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAccessKey after a cancelled PutAccessKey: got error %v, want %v", err, store.ErrNotFound)
	}
}

func testCloseIdempotent(t *testing.T, s store.Store) {
	for i := range 2 {
		if err := s.Close(); err != nil {
			t.Errorf("Close #%d: got %v, want nil", i+1, err)
		}
	}
}
