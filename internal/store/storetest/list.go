package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// listNames are stored out of order; "app-10" sorts before "app-2" byte-wise.
var listNames = []string{"bar", "app-2", "a", "apple", "app-10", "b", "app", "ba", "app-1"}

// createListFunctions stores listNames in "acct" and a decoy in "other", and
// returns the stored functions by name.
func createListFunctions(t *testing.T, s store.Store) map[string]*fc.Function {
	t.Helper()
	byName := map[string]*fc.Function{}
	for _, name := range listNames {
		byName[name] = newFunction(name)
		mustCreate(t, s, "acct", byName[name])
	}
	mustCreate(t, s, "other", newFunction("app-0"))
	return byName
}

func testListFunctions(t *testing.T, s store.Store) {
	byName := createListFunctions(t, s)
	tests := []struct {
		name               string
		prefix, startAfter string
		limit              int
		want               []string
	}{
		{"all", "", "", 0, []string{"a", "app", "app-1", "app-10", "app-2", "apple", "b", "ba", "bar"}},
		{"negative limit is no limit", "b", "", -1, []string{"b", "ba", "bar"}},
		{"limit", "", "", 3, []string{"a", "app", "app-1"}},
		{"startAfter a stored name", "", "app-10", 0, []string{"app-2", "apple", "b", "ba", "bar"}},
		{"startAfter not stored", "", "app-", 2, []string{"app-1", "app-10"}},
		{"startAfter the last name", "", "bar", 0, []string{}},
		{"prefix", "app", "", 0, []string{"app", "app-1", "app-10", "app-2", "apple"}},
		{"prefix and limit", "app-", "", 2, []string{"app-1", "app-10"}},
		{"prefix, startAfter inside it", "app-", "app-1", 0, []string{"app-10", "app-2"}},
		{"prefix, startAfter equal to it", "app", "app", 0, []string{"app-1", "app-10", "app-2", "apple"}},
		{"prefix, startAfter before it", "b", "a", 0, []string{"b", "ba", "bar"}},
		{"prefix, startAfter past it", "app", "b", 0, []string{}},
		{"prefix matching nothing", "z", "", 0, []string{}},
		{"limit equal to what is left", "b", "", 3, []string{"b", "ba", "bar"}},
		{"limit above what is left", "b", "", 10, []string{"b", "ba", "bar"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListFunctions(context.Background(), "acct", tc.prefix, tc.startAfter, tc.limit)
			if err != nil {
				t.Fatalf("ListFunctions: %v", err)
			}
			if got == nil {
				t.Errorf("ListFunctions returned nil, want a non-nil slice")
			}
			if names := functionNames(got); !slices.Equal(names, tc.want) {
				t.Fatalf("ListFunctions(%q, %q, %d): got %q, want %q", tc.prefix, tc.startAfter, tc.limit, names, tc.want)
			}
			for _, f := range got {
				checkEqual(t, "listed "+f.FunctionName, f, byName[f.FunctionName])
			}
		})
	}
}

// testListFunctionsPaging pages through with every limit, as a client
// following nextToken would, and checks the page boundaries.
func testListFunctionsPaging(t *testing.T, s store.Store) {
	createListFunctions(t, s)
	for _, prefix := range []string{"", "app"} {
		want := sortedWithPrefix(listNames, prefix)
		for limit := 1; limit <= len(want)+1; limit++ {
			t.Run(fmt.Sprintf("prefix=%q/limit=%d", prefix, limit), func(t *testing.T) {
				pages := pageThrough(t, s, prefix, limit)
				// A final short (or, at an exact boundary, empty) page ends the walk.
				if got, wantPages := len(pages), len(want)/limit+1; got != wantPages {
					t.Errorf("got %d pages, want %d", got, wantPages)
				}
				if got := slices.Concat(pages...); !slices.Equal(got, want) {
					t.Errorf("names over all pages: got %q, want %q", got, want)
				}
			})
		}
	}
}

// pageThrough lists with limit until a page comes back shorter than limit.
func pageThrough(t *testing.T, s store.Store, prefix string, limit int) [][]string {
	t.Helper()
	var pages [][]string
	startAfter := ""
	for range len(listNames) + 2 {
		fns, err := s.ListFunctions(context.Background(), "acct", prefix, startAfter, limit)
		if err != nil {
			t.Fatalf("ListFunctions(%q, %q, %d): %v", prefix, startAfter, limit, err)
		}
		if len(fns) > limit {
			t.Fatalf("ListFunctions(%q, %q, %d) returned %d functions", prefix, startAfter, limit, len(fns))
		}
		pages = append(pages, functionNames(fns))
		if len(fns) < limit {
			return pages
		}
		startAfter = fns[len(fns)-1].FunctionName
	}
	t.Fatalf("paging with limit %d did not end", limit)
	return nil
}

func sortedWithPrefix(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func functionNames(fns []*fc.Function) []string {
	names := make([]string, len(fns))
	for i, f := range fns {
		names[i] = f.FunctionName
	}
	return names
}
