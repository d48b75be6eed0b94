package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// pageLimit is ListAsyncTasks' largest page.
const pageLimit = 100

// terminal reports whether a task status is final.
func terminal(status string) bool {
	switch status {
	case fc.AsyncSucceeded, fc.AsyncFailed, fc.AsyncStopped, fc.AsyncExpired, fc.AsyncInvalid:
		return true
	}
	return false
}

// getTask reads one task of the load function.
func getTask(ctx context.Context, c *client.Client, id string) (*fc.AsyncTask, error) {
	op := client.Op{Action: "GetAsyncTask", Method: http.MethodGet,
		Path: "/functions/" + client.PathEscape(loadFunction) + "/async-tasks/" + client.PathEscape(id)}
	t := new(fc.AsyncTask)
	if err := c.Do(ctx, op, nil, t); err != nil {
		return nil, fmt.Errorf("task %s: %w", id, err)
	}
	return t, nil
}

// listTasks pages through the load function's tasks of one status ("" for
// all), reading at most maxPages pages.
func listTasks(ctx context.Context, c *client.Client, status string, maxPages int) ([]*fc.AsyncTask, error) {
	var all []*fc.AsyncTask
	token := ""
	for range maxPages {
		q := url.Values{"limit": {strconv.Itoa(pageLimit)}}
		if status != "" {
			q.Set("status", status)
		}
		if token != "" {
			q.Set("nextToken", token)
		}
		op := client.Op{Action: "ListAsyncTasks", Method: http.MethodGet,
			Path: "/functions/" + client.PathEscape(loadFunction) + "/async-tasks", Query: q}
		var page fc.ListAsyncTaskOutput
		if err := c.Do(ctx, op, nil, &page); err != nil {
			return nil, fmt.Errorf("list async tasks (status %q): %w", status, err)
		}
		all = append(all, page.Tasks...)
		if token = page.NextToken; token == "" {
			return all, nil
		}
	}
	return nil, fmt.Errorf("list async tasks (status %q): more than %d pages", status, maxPages)
}
