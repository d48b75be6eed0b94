package storetest

import (
	"context"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

func testFunctionCRUD(t *testing.T, s store.Store) {
	ctx := context.Background()
	want := newFunction("hello")
	mustCreate(t, s, "acct", want)
	checkEqual(t, "GetFunction after create", mustGet(t, s, "acct", "hello"), want)

	updated, err := s.UpdateFunction(ctx, "acct", "hello", func(f *fc.Function) error {
		f.Description = "updated"
		f.EnvironmentVariables = map[string]string{"A": "1", "B": "2"}
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateFunction: %v", err)
	}
	if updated.Description != "updated" || updated.Handler != want.Handler {
		t.Errorf("UpdateFunction returned description %q, handler %q; want %q, %q",
			updated.Description, updated.Handler, "updated", want.Handler)
	}
	checkEqual(t, "GetFunction after update", mustGet(t, s, "acct", "hello"), updated)

	if err := s.DeleteFunction(ctx, "acct", "hello"); err != nil {
		t.Fatalf("DeleteFunction: %v", err)
	}
	_, err = s.GetFunction(ctx, "acct", "hello")
	checkErr(t, "GetFunction after delete", err, store.ErrNotFound, "hello")
	list, err := s.ListFunctions(ctx, "acct", "", "", 0)
	if err != nil || list == nil || len(list) != 0 {
		t.Errorf("ListFunctions after delete: got %v, %v; want [], nil", list, err)
	}
}

func testDuplicateFunction(t *testing.T, s store.Store) {
	original := newFunction("dup")
	mustCreate(t, s, "acct", original)
	second := newFunction("dup")
	second.Description = "second"
	err := s.CreateFunction(context.Background(), "acct", second)
	checkErr(t, "CreateFunction of a taken name", err, store.ErrExists, "dup")
	checkEqual(t, "GetFunction after the duplicate", mustGet(t, s, "acct", "dup"), original)
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustCreate(t, s, "acct", newFunction("present"))
	noUpdate := func(*fc.Function) error {
		t.Errorf("UpdateFunction called its callback for a missing function")
		return nil
	}
	tests := []struct {
		name string
		id   string
		call func() error
	}{
		{"GetAccount", "acct-missing", func() error { _, err := s.GetAccount(ctx, "acct-missing"); return err }},
		{"GetAccessKey", "AKMISSING", func() error { _, err := s.GetAccessKey(ctx, "AKMISSING"); return err }},
		{"GetFunction", "absent", func() error { _, err := s.GetFunction(ctx, "acct", "absent"); return err }},
		{"GetFunction of an unknown account", "present", func() error {
			_, err := s.GetFunction(ctx, "acct-missing", "present")
			return err
		}},
		{"UpdateFunction", "absent", func() error { _, err := s.UpdateFunction(ctx, "acct", "absent", noUpdate); return err }},
		{"DeleteFunction", "absent", func() error { return s.DeleteFunction(ctx, "acct", "absent") }},
		{"DeleteFunction of an unknown account", "present", func() error {
			return s.DeleteFunction(ctx, "acct-missing", "present")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, tc.name, tc.call(), store.ErrNotFound, tc.id)
		})
	}
	mustGet(t, s, "acct", "present")
}

func testAccountIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	fa, fb := newFunction("shared"), newFunction("shared")
	fa.Description, fb.Description = "of a", "of b"
	fa.CodeChecksum, fb.CodeChecksum = "111", "222"
	mustCreate(t, s, "acct-a", fa, newFunction("only-a"))
	mustCreate(t, s, "acct-b", fb)

	checkEqual(t, "acct-a's shared", mustGet(t, s, "acct-a", "shared"), fa)
	checkEqual(t, "acct-b's shared", mustGet(t, s, "acct-b", "shared"), fb)
	_, err := s.GetFunction(ctx, "acct-b", "only-a")
	checkErr(t, "acct-b reading acct-a's function", err, store.ErrNotFound, "only-a")
	list, err := s.ListFunctions(ctx, "acct-b", "", "", 0)
	if err != nil {
		t.Fatalf("ListFunctions(acct-b): %v", err)
	}
	checkEqual(t, "ListFunctions(acct-b)", list, []*fc.Function{fb})

	if _, err := s.UpdateFunction(ctx, "acct-a", "shared", func(f *fc.Function) error {
		f.Timeout = 60
		return nil
	}); err != nil {
		t.Fatalf("UpdateFunction(acct-a): %v", err)
	}
	if err := s.DeleteFunction(ctx, "acct-a", "shared"); err != nil {
		t.Fatalf("DeleteFunction(acct-a): %v", err)
	}
	checkEqual(t, "acct-b's shared after acct-a's update and delete", mustGet(t, s, "acct-b", "shared"), fb)
}

func testResultsAreCopies(t *testing.T, s store.Store) {
	ctx := context.Background()
	stored := newFunction("copy")
	want := newFunction("copy")
	mustCreate(t, s, "acct", stored)
	stored.Description = "changed after create"
	stored.EnvironmentVariables["GREETING"] = "changed after create"

	got := mustGet(t, s, "acct", "copy")
	got.EnvironmentVariables["GREETING"] = "changed after get"
	got.Tags[0].Value = "changed after get"
	list, err := s.ListFunctions(ctx, "acct", "", "", 0)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListFunctions: got %d functions, %v; want 1, nil", len(list), err)
	}
	list[0].CustomRuntimeConfig.Port = 1
	checkEqual(t, "GetFunction after changing earlier results", mustGet(t, s, "acct", "copy"), want)
}
