package async

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"github.com/yun-fc/yun/internal/fc"
)

// TaskFilter selects and pages ListTasks, as ListAsyncTasks' query does.
type TaskFilter struct {
	// Qualifier keeps the tasks of one qualifier; empty keeps all.
	Qualifier string
	// Status keeps the tasks in one status (fc.AsyncStatuses); empty keeps all.
	Status string
	// Prefix keeps the task ids that start with it.
	Prefix string
	// StartedTimeBegin and StartedTimeEnd (epoch ms, inclusive; 0 = open)
	// bound the time the task was accepted.
	StartedTimeBegin, StartedTimeEnd int64
	// Limit is the page size, 1–100; 0 means 20.
	Limit int
	// NextToken continues from the page that returned it.
	NextToken string
	// IncludePayload adds taskPayload and returnPayload to each task.
	IncludePayload bool
	// SortOrderByTime is "asc" or "desc" by startedTime (ties by task id);
	// empty means "desc", newest first.
	SortOrderByTime string
}

// listQuery is a validated TaskFilter.
type listQuery struct {
	TaskFilter
	desc  bool
	after *cursor
}

// cursor is the position of the last task of a page.
type cursor struct {
	started int64
	id      string
}

func (f TaskFilter) query() (*listQuery, error) {
	q := &listQuery{TaskFilter: f}
	q.Limit = cmp.Or(q.Limit, fc.DefaultAsyncTaskLimit)
	switch {
	case q.Limit < 1 || q.Limit > fc.MaxAsyncTaskLimit:
		return nil, fc.InvalidArgument("limit %d is out of range [1, %d]", f.Limit, fc.MaxAsyncTaskLimit)
	case q.Status != "" && !slices.Contains(fc.AsyncStatuses, q.Status):
		return nil, fc.InvalidArgument("status %q is invalid: one of %s", q.Status, strings.Join(fc.AsyncStatuses, ", "))
	case q.StartedTimeBegin < 0 || q.StartedTimeEnd < 0:
		return nil, fc.InvalidArgument("startedTimeBegin and startedTimeEnd must not be negative")
	}
	switch strings.ToLower(q.SortOrderByTime) {
	case "", "desc":
		q.desc = true
	case "asc":
	default:
		return nil, fc.InvalidArgument("sortOrderByTime %q is invalid: asc or desc", q.SortOrderByTime)
	}
	if q.NextToken != "" {
		c, ok := parseCursor(q.NextToken)
		if !ok {
			return nil, fc.InvalidArgument("nextToken %q is invalid", q.NextToken)
		}
		q.after = &c
	}
	return q, nil
}

func (q *listQuery) match(r *record) bool {
	t := &r.Task
	return r.Seq != 0 &&
		(q.Qualifier == "" || t.Qualifier == q.Qualifier) &&
		(q.Status == "" || t.Status == q.Status) &&
		strings.HasPrefix(t.TaskID, q.Prefix) &&
		(q.StartedTimeBegin == 0 || t.StartedTime >= q.StartedTimeBegin) &&
		(q.StartedTimeEnd == 0 || t.StartedTime <= q.StartedTimeEnd)
}

// compare orders tasks as the query asks.
func (q *listQuery) compare(a, b cursor) int {
	c := cmp.Or(cmp.Compare(a.started, b.started), strings.Compare(a.id, b.id))
	if q.desc {
		return -c
	}
	return c
}

// page selects, sorts and cuts recs; it returns the page and the token of the
// next one ("" when this is the last).
func (q *listQuery) page(recs []*record) ([]*record, string) {
	var sel []*record
	for _, r := range recs {
		if q.match(r) && (q.after == nil || q.compare(cursorOf(r), *q.after) > 0) {
			sel = append(sel, r)
		}
	}
	slices.SortFunc(sel, func(a, b *record) int { return q.compare(cursorOf(a), cursorOf(b)) })
	if len(sel) <= q.Limit {
		return sel, ""
	}
	sel = sel[:q.Limit]
	return sel, cursorOf(sel[len(sel)-1]).token()
}

func cursorOf(r *record) cursor { return cursor{r.Task.StartedTime, r.Task.TaskID} }

func (c cursor) token() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.started, 10) + "." + c.id))
}

func parseCursor(tok string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return cursor{}, false
	}
	started, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(started, 10, 64)
	if !ok || err != nil || fc.ValidTaskID(id) != nil {
		return cursor{}, false
	}
	return cursor{n, id}, true
}
