package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/yun-fc/yun/internal/fc"
)

// CreateFunction creates a function (POST /functions).
func (c *Client) CreateFunction(ctx context.Context, in *fc.FunctionInput) (*fc.Function, error) {
	return call[fc.Function](ctx, c, Op{Action: "CreateFunction", Method: http.MethodPost, Path: "/functions"}, in)
}

// GetFunction reads a function at a qualifier (version, alias or LATEST;
// empty for the server's default).
func (c *Client) GetFunction(ctx context.Context, name, qualifier string) (*fc.Function, error) {
	op := Op{Action: "GetFunction", Method: http.MethodGet, Path: functionPath(name), Query: qualifierQuery(qualifier)}
	return call[fc.Function](ctx, c, op, nil)
}

// UpdateFunction changes the fields set in in and leaves the others alone.
func (c *Client) UpdateFunction(ctx context.Context, name string, in *fc.FunctionInput) (*fc.Function, error) {
	return call[fc.Function](ctx, c, Op{Action: "UpdateFunction", Method: http.MethodPut, Path: functionPath(name)}, in)
}

// DeleteFunction deletes a function.
func (c *Client) DeleteFunction(ctx context.Context, name string) error {
	return c.Do(ctx, Op{Action: "DeleteFunction", Method: http.MethodDelete, Path: functionPath(name)}, nil, nil)
}

// ListOptions selects one page of a list. Zero fields are not sent.
type ListOptions struct {
	Prefix    string
	Limit     int
	NextToken string
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	if o.Prefix != "" {
		q.Set("prefix", o.Prefix)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.NextToken != "" {
		q.Set("nextToken", o.NextToken)
	}
	return q
}

// ListFunctions returns one page of functions; pass its NextToken back for
// the next one, until it is empty.
func (c *Client) ListFunctions(ctx context.Context, opt ListOptions) (*fc.ListFunctionsOutput, error) {
	op := Op{Action: "ListFunctions", Method: http.MethodGet, Path: "/functions", Query: opt.query()}
	return call[fc.ListFunctionsOutput](ctx, c, op, nil)
}

// GetFunctionCode returns where to download a function's code package.
func (c *Client) GetFunctionCode(ctx context.Context, name, qualifier string) (*fc.OutputFuncCode, error) {
	op := Op{Action: "GetFunctionCode", Method: http.MethodGet, Path: functionPath(name) + "/code", Query: qualifierQuery(qualifier)}
	return call[fc.OutputFuncCode](ctx, c, op, nil)
}

func functionPath(name string) string { return "/functions/" + PathEscape(name) }

func qualifierQuery(qualifier string) url.Values {
	if qualifier == "" {
		return nil
	}
	return url.Values{"qualifier": {qualifier}}
}
