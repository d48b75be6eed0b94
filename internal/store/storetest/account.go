package storetest

import (
	"context"
	"testing"

	"github.com/yun-fc/yun/internal/store"
)

func testAccounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	list, err := s.ListAccounts(ctx)
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("ListAccounts on an empty store: got %v, %v; want [], nil", list, err)
	}
	a2 := &store.Account{ID: "acct-2", Name: "two", Created: "2024-01-02T00:00:00Z"}
	a1 := &store.Account{ID: "acct-1", Name: "one", Admin: true, Created: "2024-01-01T00:00:00Z"}
	for _, a := range []*store.Account{a2, a1} {
		if err := s.PutAccount(ctx, a); err != nil {
			t.Fatalf("PutAccount(%q): %v", a.ID, err)
		}
	}
	list, err = s.ListAccounts(ctx)
	if err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}
	checkEqual(t, "ListAccounts", list, []*store.Account{a1, a2})

	replaced := *a2
	replaced.Disabled = true
	if err := s.PutAccount(ctx, &replaced); err != nil {
		t.Fatalf("PutAccount(%q) again: %v", replaced.ID, err)
	}
	got, err := s.GetAccount(ctx, a2.ID)
	if err != nil {
		t.Fatalf("GetAccount(%q): %v", a2.ID, err)
	}
	checkEqual(t, "GetAccount after replacing", got, &replaced)
}

func testAccessKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	k2 := &store.AccessKey{ID: "AK2", Secret: "s2", AccountID: "acct-a", Created: "2024-01-02T00:00:00Z"}
	k1 := &store.AccessKey{ID: "AK1", Secret: "s1", AccountID: "acct-a", Created: "2024-01-01T00:00:00Z"}
	k3 := &store.AccessKey{ID: "AK3", Secret: "s3", AccountID: "acct-b"}
	for _, k := range []*store.AccessKey{k2, k3, k1} {
		if err := s.PutAccessKey(ctx, k); err != nil {
			t.Fatalf("PutAccessKey(%q): %v", k.ID, err)
		}
	}
	for _, tc := range []struct {
		account string
		want    []*store.AccessKey
	}{
		{"acct-a", []*store.AccessKey{k1, k2}},
		{"acct-b", []*store.AccessKey{k3}},
		{"acct-none", []*store.AccessKey{}},
	} {
		got, err := s.ListAccessKeys(ctx, tc.account)
		if err != nil {
			t.Fatalf("ListAccessKeys(%q): %v", tc.account, err)
		}
		checkEqual(t, "ListAccessKeys("+tc.account+")", got, tc.want)
	}

	replaced := *k1
	replaced.Disabled = true
	if err := s.PutAccessKey(ctx, &replaced); err != nil {
		t.Fatalf("PutAccessKey(%q) again: %v", k1.ID, err)
	}
	got, err := s.GetAccessKey(ctx, k1.ID)
	if err != nil {
		t.Fatalf("GetAccessKey(%q): %v", k1.ID, err)
	}
	checkEqual(t, "GetAccessKey after replacing", got, &replaced)
}
