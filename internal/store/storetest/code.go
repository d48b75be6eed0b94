package storetest

import (
	"context"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

func testCodeInUse(t *testing.T, s store.Store) {
	ctx := context.Background()
	check := func(step, checksum string, want bool) {
		t.Helper()
		got, err := s.CodeInUse(ctx, checksum)
		if err != nil || got != want {
			t.Errorf("%s: CodeInUse(%q) = %v, %v; want %v, nil", step, checksum, got, err, want)
		}
	}
	check("empty store", "111", false)
	fa, fb := newFunction("fa"), newFunction("fb")
	fa.CodeChecksum, fb.CodeChecksum = "111", "222"
	mustCreate(t, s, "acct-a", fa)
	mustCreate(t, s, "acct-b", fb)
	check("after create", "111", true)
	check("after create", "222", true)
	check("after create", "333", false)

	if err := s.DeleteFunction(ctx, "acct-a", "fa"); err != nil {
		t.Fatalf("DeleteFunction: %v", err)
	}
	check("after deleting its function", "111", false)
	if _, err := s.UpdateFunction(ctx, "acct-b", "fb", func(f *fc.Function) error {
		f.CodeChecksum = "333"
		return nil
	}); err != nil {
		t.Fatalf("UpdateFunction: %v", err)
	}
	check("after replacing the code", "222", false)
	check("after replacing the code", "333", true)

	fc2 := newFunction("fc")
	fc2.CodeChecksum = "444"
	fc2.Layers = []fc.FunctionLayer{{Arn: "acs:fc:cn-test:acct-a:layers/l/versions/1", Size: 1, CodeChecksum: "555"}}
	mustCreate(t, s, "acct-a", fc2)
	check("a layer's code", "555", true)
	if err := s.DeleteFunction(ctx, "acct-a", "fc"); err != nil {
		t.Fatalf("DeleteFunction: %v", err)
	}
	check("after deleting the function listing the layer", "555", false)
}
