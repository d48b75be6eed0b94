package async

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

// listRecords are accepted tasks a1..a3 (LATEST) and b1, b2 (prod) started
// at 100..500, plus an unaccepted one that no listing shows.
func listRecords() []*record {
	mk := func(id, qualifier, status string, started int64, seq uint64) *record {
		return &record{Seq: seq, Task: fc.AsyncTask{TaskID: id, Qualifier: qualifier, Status: status, StartedTime: started}}
	}
	return []*record{
		mk("b2", "prod", fc.AsyncFailed, 500, 5),
		mk("a1", "LATEST", fc.AsyncSucceeded, 100, 1),
		mk("a3", "LATEST", fc.AsyncSucceeded, 300, 3),
		mk("hidden", "LATEST", fc.AsyncEnqueued, 250, 0),
		mk("b1", "prod", fc.AsyncRunning, 400, 4),
		mk("a2", "LATEST", fc.AsyncSucceeded, 300, 2),
	}
}

func ids(recs []*record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Task.TaskID)
	}
	return out
}

func TestListPage(t *testing.T) {
	tests := []struct {
		name     string
		filter   TaskFilter
		want     []string
		wantMore bool
	}{
		{"default is newest first", TaskFilter{}, []string{"b2", "b1", "a3", "a2", "a1"}, false},
		{"ascending, ties by task id", TaskFilter{SortOrderByTime: "asc"}, []string{"a1", "a2", "a3", "b1", "b2"}, false},
		{"by status", TaskFilter{Status: fc.AsyncSucceeded, SortOrderByTime: "asc"}, []string{"a1", "a2", "a3"}, false},
		{"by prefix", TaskFilter{Prefix: "b"}, []string{"b2", "b1"}, false},
		{"by qualifier", TaskFilter{Qualifier: "prod"}, []string{"b2", "b1"}, false},
		{"by time range, inclusive", TaskFilter{StartedTimeBegin: 300, StartedTimeEnd: 400, SortOrderByTime: "asc"},
			[]string{"a2", "a3", "b1"}, false},
		{"first page", TaskFilter{Limit: 2}, []string{"b2", "b1"}, true},
		{"nothing matches", TaskFilter{Prefix: "z"}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := tc.filter.query()
			if err != nil {
				t.Fatalf("query: %v", err)
			}
			page, next := q.page(listRecords())
			if got := ids(page); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if (next != "") != tc.wantMore {
				t.Errorf("got nextToken %q, want one: %v", next, tc.wantMore)
			}
		})
	}
}

func TestListPagesWalkEverything(t *testing.T) {
	for _, order := range []string{"asc", "desc"} {
		t.Run(order, func(t *testing.T) {
			var got []string
			token := ""
			for range 10 {
				q, err := TaskFilter{Limit: 2, NextToken: token, SortOrderByTime: order}.query()
				if err != nil {
					t.Fatalf("query: %v", err)
				}
				page, next := q.page(listRecords())
				got = append(got, ids(page)...)
				if token = next; token == "" {
					break
				}
			}
			q, _ := TaskFilter{SortOrderByTime: order}.query()
			all, _ := q.page(listRecords())
			if want := ids(all); !slices.Equal(got, want) {
				t.Errorf("got %v across pages, want %v", got, want)
			}
		})
	}
}

func TestListFilterRefusals(t *testing.T) {
	tests := []struct {
		name   string
		filter TaskFilter
	}{
		{"limit over 100", TaskFilter{Limit: 101}},
		{"negative limit", TaskFilter{Limit: -1}},
		{"unknown status", TaskFilter{Status: "Done"}},
		{"unknown order", TaskFilter{SortOrderByTime: "newest"}},
		{"garbled token", TaskFilter{NextToken: "!!"}},
		{"token without a task id", TaskFilter{NextToken: cursor{1, ""}.token()}},
		{"negative time", TaskFilter{StartedTimeBegin: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.filter.query()
			wantFCError(t, err, http.StatusBadRequest, fc.CodeInvalidArgument)
		})
	}
}

func TestListTasksThroughTheService(t *testing.T) {
	s := newService(t, testConfig(t), newFake(nil), &fakeConfigs{}, true)
	for i := range 5 {
		submit(t, s, "fn", fmt.Sprintf("job%d", i), fmt.Sprintf("payload%d", i))
	}
	submit(t, s, "other", "job9", "x")
	for i := range 5 {
		waitStatus(t, s, "fn", fmt.Sprintf("job%d", i), fc.AsyncSucceeded)
	}
	var all []*fc.AsyncTask
	token := ""
	for {
		out, err := s.ListTasks(context.Background(), testAccount, "fn",
			TaskFilter{Limit: 2, NextToken: token, IncludePayload: true, Status: fc.AsyncSucceeded})
		if err != nil {
			t.Fatalf("ListTasks: %v", err)
		}
		all = append(all, out.Tasks...)
		if token = out.NextToken; token == "" {
			break
		}
	}
	if len(all) != 5 {
		t.Fatalf("got %d tasks, want the 5 of fn", len(all))
	}
	for _, task := range all {
		want := "payload" + task.TaskID[len("job"):]
		if task.TaskPayload != want || task.ReturnPayload != "ok:"+want {
			t.Errorf("task %s: got payload %q and result %q, want %q and %q", task.TaskID, task.TaskPayload,
				task.ReturnPayload, want, "ok:"+want)
		}
	}
	out, err := s.ListTasks(context.Background(), testAccount, "fn", TaskFilter{})
	if err != nil {
		t.Fatalf("ListTasks: %v", err)
	}
	if out.Tasks[0].TaskPayload != "" {
		t.Errorf("got a payload without includePayload")
	}
}
