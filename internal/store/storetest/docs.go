package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/yun-fc/yun/internal/store"
)

func testDocs(t *testing.T, s store.Store) {
	ctx := context.Background()
	put := func(account, kind, name, value string) {
		t.Helper()
		if err := s.PutDoc(ctx, &store.Doc{AccountID: account, Kind: kind, Name: name, Value: []byte(value)}); err != nil {
			t.Fatalf("PutDoc %s/%s/%s: %v", account, kind, name, err)
		}
	}
	put("1", "alias", "fn/prod", `{"v":1}`)
	put("1", "alias", "fn/prod", `{"v":2}`) // replaces
	put("1", "trigger", "fn/prod", `{"t":1}`)
	put("2", "alias", "fn/prod", `{"v":3}`)

	d, err := s.GetDoc(ctx, "1", "alias", "fn/prod")
	if err != nil || string(d.Value) != `{"v":2}` || d.AccountID != "1" || d.Kind != "alias" || d.Name != "fn/prod" {
		t.Fatalf("GetDoc: got %+v, %v; want the replaced value of account 1", d, err)
	}
	if _, err := s.GetDoc(ctx, "3", "alias", "fn/prod"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetDoc of another account: got %v, want ErrNotFound", err)
	}
	all, err := s.ListKind(ctx, "alias")
	if err != nil || len(all) != 2 {
		t.Fatalf("ListKind alias: got %d docs, %v; want 2 (one per account)", len(all), err)
	}
	if err := s.DeleteDoc(ctx, "1", "alias", "fn/prod"); err != nil {
		t.Fatalf("DeleteDoc: %v", err)
	}
	if err := s.DeleteDoc(ctx, "1", "alias", "fn/prod"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteDoc: got %v, want ErrNotFound", err)
	}
	if d, err := s.GetDoc(ctx, "1", "trigger", "fn/prod"); err != nil || string(d.Value) != `{"t":1}` {
		t.Errorf("a document of another kind with the same name: got %+v, %v; want it untouched", d, err)
	}
	if err := s.PutDoc(ctx, &store.Doc{AccountID: "1", Kind: "alias", Value: []byte("{}")}); err == nil {
		t.Errorf("PutDoc without a name: got nil error")
	}
}

func testDocsPaging(t *testing.T, s store.Store) {
	ctx := context.Background()
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("fn/v%d", i)
		want = append(want, name)
		if err := s.PutDoc(ctx, &store.Doc{AccountID: "1", Kind: "version", Name: name, Value: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
	}
	s.PutDoc(ctx, &store.Doc{AccountID: "1", Kind: "version", Name: "other/v0", Value: []byte("{}")})
	s.PutDoc(ctx, &store.Doc{AccountID: "10", Kind: "version", Name: "fn/v9", Value: []byte("{}")})
	var got []string
	after := ""
	for {
		page, err := s.ListDocs(ctx, "1", "version", "fn/", after, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page {
			got = append(got, d.Name)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].Name
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paging with prefix fn/: got %v, want %v (no other prefix, no other account)", got, want)
	}
}
