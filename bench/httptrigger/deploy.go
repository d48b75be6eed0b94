package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// functionName is the benchmarked function: Node.js, answering "ok", with
// room for every client on one instance, so both paths share its warm
// instance.
const functionName = "bench-http"

const handlerSource = "exports.handler = async () => 'ok';\n"

// target is what the load calls.
type target struct {
	api        *client.Client
	triggerURL string
}

func deploy(ctx context.Context, srv *server) (*target, error) {
	api := client.New(srv.endpoint, benchAK, benchSecret)
	if err := liftLimits(ctx, api); err != nil {
		return nil, err
	}
	code, err := zipSource()
	if err != nil {
		return nil, err
	}
	name, rt, handler, conc := functionName, "nodejs20", "index.handler", 16
	in := &fc.FunctionInput{FunctionName: &name, Runtime: &rt, Handler: &handler, InstanceConcurrency: &conc,
		Code: &fc.InputCodeLocation{ZipFile: code}}
	if _, err := api.CreateFunction(ctx, in); err != nil {
		return nil, err
	}
	var tr fc.Trigger
	op := client.Op{Action: "CreateTrigger", Method: http.MethodPost, Path: "/functions/" + name + "/triggers"}
	trig := map[string]any{"triggerName": "web", "triggerType": "http", "triggerConfig": `{"authType":"anonymous","methods":["GET","POST"]}`}
	if err := api.Do(ctx, op, trig, &tr); err != nil {
		return nil, err
	}
	if tr.HTTPTrigger == nil {
		return nil, errors.New("the trigger has no URL")
	}
	return &target{api: api, triggerURL: tr.HTTPTrigger.URLInternet + "/"}, nil
}

// liftLimits raises the admin account's request rate so that flow control
// does not cap the measurement.
func liftLimits(ctx context.Context, api *client.Client) error {
	var list struct{ Accounts []store.Account }
	admin := client.Op{Action: "ListAccounts", Method: http.MethodGet, Path: "/accounts", Prefix: client.AdminPrefix}
	if err := api.Do(ctx, admin, nil, &list); err != nil {
		return fmt.Errorf("list accounts: %w", err)
	}
	limits := store.Limits{RequestsPerSecond: 1e6, Burst: 1e6, MaxConcurrentRequests: 100000}
	for _, a := range list.Accounts {
		if a.Admin {
			op := client.Op{Action: "UpdateAccount", Method: http.MethodPut, Path: "/accounts/" + a.ID, Prefix: client.AdminPrefix}
			return api.Do(ctx, op, map[string]any{"limits": limits}, nil)
		}
	}
	return errors.New("no admin account")
}

func zipSource() (string, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "index.js", Method: zip.Deflate, Modified: time.Now()})
	if err == nil {
		_, err = w.Write([]byte(handlerSource))
	}
	if err == nil {
		err = zw.Close()
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), err
}
