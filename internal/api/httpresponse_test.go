package api

import (
	"net/http"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

func TestToWebResponse(t *testing.T) {
	cases := []struct {
		name       string
		res        sandbox.Result
		wantStatus int
		wantBody   string
		wantHeader http.Header // exact, after filtering
		wantErr    bool
	}{
		{name: "statusCode shape", res: sandbox.Result{Body: []byte(`{"statusCode":201,"headers":{"X-A":"b","x-fc-secret":"no","Content-Length":"9","N":7},"body":"made"}`)},
			wantStatus: 201, wantBody: "made", wantHeader: http.Header{"X-A": {"b"}, "N": {"7"}}},
		{name: "base64 body", res: sandbox.Result{Body: []byte(`{"statusCode":200,"body":"AAH/","isBase64Encoded":true}`)},
			wantStatus: 200, wantBody: "\x00\x01\xff", wantHeader: http.Header{}},
		{name: "repeated header values", res: sandbox.Result{Body: []byte(`{"statusCode":200,"headers":{"Set-Cookie":["a=1","b=2"]}}`)},
			wantStatus: 200, wantBody: "", wantHeader: http.Header{"Set-Cookie": {"a=1", "b=2"}}},
		{name: "object body is its JSON", res: sandbox.Result{Body: []byte(`{"statusCode":200,"body":{"k":1}}`)},
			wantStatus: 200, wantBody: `{"k":1}`, wantHeader: http.Header{}},
		{name: "plain string", res: sandbox.Result{Body: []byte("Hello")}, wantStatus: 200, wantBody: "Hello", wantHeader: http.Header{}},
		{name: "object without statusCode", res: sandbox.Result{Body: []byte(`{"hello":"world"}`)},
			wantStatus: 200, wantBody: `{"hello":"world"}`, wantHeader: http.Header{"Content-Type": {"application/json"}}},
		{name: "user error", res: sandbox.Result{Body: []byte(`{"errorMessage":"boom"}`), ErrorType: sandbox.ErrorUnhandled},
			wantStatus: 502, wantBody: `{"errorMessage":"boom"}`,
			wantHeader: http.Header{"Content-Type": {"application/json"}, "X-Fc-Error-Type": {"UnhandledInvocationError"}}},
		{name: "statusCode out of range", res: sandbox.Result{Body: []byte(`{"statusCode":700}`)}, wantErr: true},
		{name: "statusCode not a number", res: sandbox.Result{Body: []byte(`{"statusCode":"ok"}`)}, wantErr: true},
		{name: "bad base64", res: sandbox.Result{Body: []byte(`{"statusCode":200,"body":"!!","isBase64Encoded":true}`)}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := toWebResponse(&tc.res)
			if tc.wantErr {
				if e, ok := fc.AsError(err); !ok || e.Status != http.StatusBadGateway {
					t.Fatalf("got %v, want a 502 error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.status != tc.wantStatus || string(got.body) != tc.wantBody || !sameHeader(got.header, tc.wantHeader) {
				t.Errorf("got %d %q %v, want %d %q %v", got.status, got.body, got.header, tc.wantStatus, tc.wantBody, tc.wantHeader)
			}
		})
	}
}

func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if len(b[k]) != len(v) {
			return false
		}
		for i := range v {
			if b[k][i] != v[i] {
				return false
			}
		}
	}
	return true
}
