package bolt_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
	"github.com/yun-fc/yun/internal/store/bolt"
	"github.com/yun-fc/yun/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "meta.db"))
	})
}

func mustOpen(t *testing.T, path string) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meta.db")
	s := mustOpen(t, path)
	account := &store.Account{ID: "acct", Name: "one"}
	key := &store.AccessKey{ID: "AK", Secret: "secret", AccountID: "acct"}
	fn := &fc.Function{FunctionName: "hello", Runtime: "python3.12", Handler: "main.handler", CodeChecksum: "42"}
	if err := s.PutAccount(ctx, account); err != nil {
		t.Fatalf("PutAccount: %v", err)
	}
	if err := s.PutAccessKey(ctx, key); err != nil {
		t.Fatalf("PutAccessKey: %v", err)
	}
	if err := s.CreateFunction(ctx, "acct", fn); err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = mustOpen(t, path)
	if got, err := s.GetAccount(ctx, "acct"); err != nil || *got != *account {
		t.Errorf("GetAccount after reopen: got %+v, %v; want %+v", got, err, account)
	}
	if got, err := s.GetAccessKey(ctx, "AK"); err != nil || *got != *key {
		t.Errorf("GetAccessKey after reopen: got %+v, %v; want %+v", got, err, key)
	}
	got, err := s.GetFunction(ctx, "acct", "hello")
	if err != nil || got.Handler != fn.Handler || got.CodeChecksum != fn.CodeChecksum {
		t.Errorf("GetFunction after reopen: got %+v, %v; want %+v", got, err, fn)
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.db")
	first := mustOpen(t, path)

	second, err := bolt.Open(path)
	if !errors.Is(err, bolt.ErrLocked) {
		if second != nil {
			second.Close()
		}
		t.Fatalf("second Open of a file in use: got error %v, want %v", err, bolt.ErrLocked)
	}

	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	mustOpen(t, path)
}

func TestClosedStoreFails(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "meta.db"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.GetFunction(context.Background(), "acct", "f"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetFunction after Close: got error %v, want a closed-database error", err)
	}
}

func TestEmptyIdentifiersRefused(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "meta.db"))
	tests := []struct {
		name string
		call func() error
	}{
		{"PutAccount", func() error { return s.PutAccount(ctx, &store.Account{}) }},
		{"PutAccessKey", func() error { return s.PutAccessKey(ctx, &store.AccessKey{AccountID: "acct"}) }},
		{"CreateFunction without account", func() error {
			return s.CreateFunction(ctx, "", &fc.Function{FunctionName: "f"})
		}},
		{"CreateFunction without name", func() error { return s.CreateFunction(ctx, "acct", &fc.Function{}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err == nil {
				t.Errorf("%s with an empty identifier: got no error, want one", tc.name)
			}
		})
	}
}
