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

// customName is the same function as a custom runtime: its own Node.js
// HTTP server answering "ok" to every request, which the trigger passes
// the request to as it came.
const customName = "bench-http-custom"

var customSource = map[string]string{
	"bootstrap": "#!/bin/sh\nexec /usr/bin/env node \"$(dirname \"$0\")/server.js\"\n",
	"server.js": "require('http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); })" +
		".listen(Number(process.env.FC_CUSTOM_LISTEN_PORT) || 9000, '0.0.0.0');\n",
}

// target is what the load calls.
type target struct {
	api        *client.Client
	triggerURL string
	customURL  string // the custom runtime's trigger
}

func deploy(ctx context.Context, srv *server) (*target, error) {
	api := client.New(srv.endpoint, benchAK, benchSecret)
	if err := liftLimits(ctx, api); err != nil {
		return nil, err
	}
	t := &target{api: api}
	var err error
	if t.triggerURL, err = createWithTrigger(ctx, api, functionName, "nodejs20", map[string]string{"index.js": handlerSource}); err != nil {
		return nil, err
	}
	if t.customURL, err = createWithTrigger(ctx, api, customName, "custom.debian12", customSource); err != nil {
		return nil, err
	}
	return t, nil
}

// createWithTrigger creates a function of files with room for every client
// on one instance and an anonymous HTTP trigger, and returns its URL.
func createWithTrigger(ctx context.Context, api *client.Client, name, rt string, files map[string]string) (string, error) {
	code, err := zipSource(files)
	if err != nil {
		return "", err
	}
	handler, conc := "index.handler", 16
	in := &fc.FunctionInput{FunctionName: &name, Runtime: &rt, Handler: &handler, InstanceConcurrency: &conc,
		Code: &fc.InputCodeLocation{ZipFile: code}}
	if _, err := api.CreateFunction(ctx, in); err != nil {
		return "", err
	}
	var tr fc.Trigger
	op := client.Op{Action: "CreateTrigger", Method: http.MethodPost, Path: "/functions/" + name + "/triggers"}
	trig := map[string]any{"triggerName": "web", "triggerType": "http", "triggerConfig": `{"authType":"anonymous","methods":["GET","POST"]}`}
	if err := api.Do(ctx, op, trig, &tr); err != nil {
		return "", err
	}
	if tr.HTTPTrigger == nil {
		return "", errors.New("the trigger has no URL")
	}
	return tr.HTTPTrigger.URLInternet + "/", nil
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

func zipSource(files map[string]string) (string, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, src := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return "", err
		}
		if _, err := w.Write([]byte(src)); err != nil {
			return "", err
		}
	}
	err := zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes()), err
}
