package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/yun-fc/yun/internal/fc"
)

const (
	defaultListLimit = 20
	maxListLimit     = 100
)

// listParams are the paging parameters every List operation takes.
type listParams struct {
	prefix     string
	limit      int
	startAfter string
}

// parseList reads prefix, limit (1–100) and nextToken. A token is the
// opaque base64 of the last name of the previous page.
func parseList(q url.Values) (listParams, error) {
	p := listParams{prefix: q.Get("prefix"), limit: defaultListLimit}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return p, fc.InvalidArgument("limit %q is invalid: an integer in [1, %d]", v, maxListLimit)
		}
		p.limit = n
	}
	if t := q.Get("nextToken"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil || len(b) == 0 {
			return p, fc.InvalidArgument("nextToken %q is invalid", t)
		}
		p.startAfter = string(b)
	}
	return p, nil
}

func nextToken(last string) string { return base64.RawURLEncoding.EncodeToString([]byte(last)) }

// functionFilter holds ListFunctions' optional filters.
type functionFilter struct {
	runtime string
	tags    []fc.Tag
}

func parseFunctionFilter(q url.Values) (functionFilter, error) {
	f := functionFilter{runtime: q.Get("runtime")}
	if t := q.Get("tags"); t != "" {
		if err := json.Unmarshal([]byte(t), &f.tags); err != nil {
			return f, fc.InvalidArgument("tags %q is invalid: want a JSON array of {\"Key\",\"Value\"}", t)
		}
	}
	return f, nil
}

func (f functionFilter) match(fn *fc.Function) bool {
	if f.runtime != "" && fn.Runtime != f.runtime {
		return false
	}
	for _, want := range f.tags {
		found := false
		for _, have := range fn.Tags {
			found = found || (have.Key == want.Key && have.Value == want.Value)
		}
		if !found {
			return false
		}
	}
	return true
}

func (s *Server) listFunctions(w http.ResponseWriter, r *http.Request) error {
	p, err := parseList(r.URL.Query())
	if err != nil {
		return err
	}
	filter, err := parseFunctionFilter(r.URL.Query())
	if err != nil {
		return err
	}
	out := &fc.ListFunctionsOutput{Functions: []*fc.Function{}}
	after := p.startAfter
	for len(out.Functions) <= p.limit {
		page, err := s.store.ListFunctions(r.Context(), accountID(r.Context()), p.prefix, after, p.limit+1)
		if err != nil {
			return err
		}
		for _, fn := range page {
			if filter.match(fn) {
				out.Functions = append(out.Functions, fn)
			}
		}
		if len(page) < p.limit+1 {
			break
		}
		after = page[len(page)-1].FunctionName
	}
	if len(out.Functions) > p.limit {
		out.Functions = out.Functions[:p.limit]
		out.NextToken = nextToken(out.Functions[p.limit-1].FunctionName)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
