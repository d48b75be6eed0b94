package client

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

const functionJSON = `{"functionName":"hello","runtime":"nodejs20","handler":"index.handler","memorySize":512,"state":"Active"}`

// TestOperations checks what each call puts on the wire and what it makes
// of the answer.
func TestOperations(t *testing.T) {
	input := &fc.FunctionInput{
		FunctionName: new("hello"),
		Runtime:      new("nodejs20"),
		Handler:      new("index.handler"),
		MemorySize:   new(512),
	}
	const inputJSON = `{"functionName":"hello","handler":"index.handler","memorySize":512,"runtime":"nodejs20"}`
	tests := []struct {
		name        string
		call        func(context.Context, *Client) (any, error)
		reply       http.HandlerFunc
		action      string
		method      string
		path        string
		rawQuery    string
		contentType string
		body        string
		want        any
	}{
		{
			name:   "CreateFunction",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.CreateFunction(ctx, input) },
			reply:  replyJSON(http.StatusOK, functionJSON),
			action: "CreateFunction", method: http.MethodPost, path: "/2023-03-30/functions",
			contentType: "application/json; charset=utf-8", body: inputJSON,
			want: "hello",
		},
		{
			name:   "GetFunction with special characters",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetFunction(ctx, "a b+c", "v 1") },
			reply:  replyJSON(http.StatusOK, functionJSON),
			action: "GetFunction", method: http.MethodGet, path: "/2023-03-30/functions/a%20b%2Bc", rawQuery: "qualifier=v%201",
			want: "hello",
		},
		{
			name:   "GetFunction answered 201",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetFunction(ctx, "hello", "") },
			reply:  replyJSON(http.StatusCreated, functionJSON),
			action: "GetFunction", method: http.MethodGet, path: "/2023-03-30/functions/hello",
			want: "hello",
		},
		{
			name: "UpdateFunction",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateFunction(ctx, "hello", &fc.FunctionInput{Timeout: new(60)})
			},
			reply:  replyJSON(http.StatusOK, functionJSON),
			action: "UpdateFunction", method: http.MethodPut, path: "/2023-03-30/functions/hello",
			contentType: "application/json; charset=utf-8", body: `{"timeout":60}`,
			want: "hello",
		},
		{
			name:   "DeleteFunction answered 204",
			call:   func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteFunction(ctx, "hello") },
			reply:  replyJSON(http.StatusNoContent, ""),
			action: "DeleteFunction", method: http.MethodDelete, path: "/2023-03-30/functions/hello",
		},
		{
			name: "ListFunctions",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListFunctions(ctx, ListOptions{Prefix: "he", Limit: 10, NextToken: "tok/+= *!"})
			},
			reply:  replyJSON(http.StatusOK, `{"functions":[`+functionJSON+`],"nextToken":"next"}`),
			action: "ListFunctions", method: http.MethodGet, path: "/2023-03-30/functions",
			rawQuery: "limit=10&nextToken=tok%2F%2B%3D%20%2A%21&prefix=he",
			want:     "hello next",
		},
		{
			name:   "GetFunctionCode",
			call:   func(ctx context.Context, c *Client) (any, error) { return c.GetFunctionCode(ctx, "hello", "LATEST") },
			reply:  replyJSON(http.StatusOK, `{"url":"http://x/code.zip","checksum":"123"}`),
			action: "GetFunctionCode", method: http.MethodGet, path: "/2023-03-30/functions/hello/code", rawQuery: "qualifier=LATEST",
			want: "http://x/code.zip 123",
		},
		{
			name: "Do with an ARN path parameter",
			call: func(ctx context.Context, c *Client) (any, error) {
				op := Op{Action: "GetLayerVersionByArn", Method: http.MethodGet,
					Path: "/layerarn/" + PathEscape("acs:fc:cn-hangzhou:123:layers/l1/versions/1")}
				return nil, c.Do(ctx, op, nil, nil)
			},
			reply:  replyJSON(http.StatusOK, `{}`),
			action: "GetLayerVersionByArn", method: http.MethodGet,
			path: "/2023-03-30/layerarn/acs%3Afc%3Acn-hangzhou%3A123%3Alayers%2Fl1%2Fversions%2F1",
		},
		{
			name: "Do with a query and an ad-hoc body",
			call: func(ctx context.Context, c *Client) (any, error) {
				op := Op{Action: "DisableFunctionInvocation", Method: http.MethodPost, Path: "/functions/hello/invoke/disable",
					Query: url.Values{"x": {"(1)"}}}
				return nil, c.Do(ctx, op, map[string]any{"reason": "maintenance", "abortOngoingRequest": true}, nil)
			},
			reply:  replyJSON(http.StatusOK, `{}`),
			action: "DisableFunctionInvocation", method: http.MethodPost, path: "/2023-03-30/functions/hello/invoke/disable",
			rawQuery: "x=%281%29", contentType: "application/json; charset=utf-8", body: `{"abortOngoingRequest":true,"reason":"maintenance"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, requests := newFakeFC(t, tt.reply)
			out, err := tt.call(context.Background(), c)
			if err != nil {
				t.Fatalf("call = %v, want nil", err)
			}
			got := receive(t, requests, tt.action)
			checks := []struct{ what, got, want string }{
				{"method", got.Method, tt.method},
				{"path", got.Path, tt.path},
				{"query", got.RawQuery, tt.rawQuery},
				{"content-type", got.Header.Get("content-type"), tt.contentType},
				{"body", string(got.Body), tt.body},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			if tt.want != nil {
				if s := summary(out); s != tt.want {
					t.Errorf("result = %q, want %q", s, tt.want)
				}
			}
		})
	}
}

// summary names what a call returned, to compare with a table's want.
func summary(out any) string {
	switch v := out.(type) {
	case *fc.Function:
		return v.FunctionName
	case *fc.ListFunctionsOutput:
		if len(v.Functions) != 1 {
			return "wrong length"
		}
		return v.Functions[0].FunctionName + " " + v.NextToken
	case *fc.OutputFuncCode:
		return v.URL + " " + v.Checksum
	}
	return "unexpected type"
}

func TestPathEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello", "hello"},
		{"a b+c", "a%20b%2Bc"},
		{"a*b*c", "a%2Ab%2Ac"},
		{"x!~'()-_.", "x!~'()-_."},
		{"acs:fc:r:1:layers/l/versions/1", "acs%3Afc%3Ar%3A1%3Alayers%2Fl%2Fversions%2F1"},
		{"云", "%E4%BA%91"},
		{"50%", "50%25"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := PathEscape(tt.in); got != tt.want {
				t.Errorf("PathEscape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
