package api

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
)

// Invocation request headers (fc3-api.md §4).
const (
	headerInvocationType = "x-fc-invocation-type"
	headerLogType        = "x-fc-log-type"
)

// passedResponseHeaders are the custom-runtime response headers an invoke
// answer passes on; hop-by-hop and x-fc-* headers are Yun's own.
var passedResponseHeaders = []string{"Content-Type", "Content-Encoding", "Content-Disposition", "Cache-Control"}

func (s *Server) invokeFunction(w http.ResponseWriter, r *http.Request) error {
	ctx, account, name := r.Context(), accountID(r.Context()), r.PathValue("name")
	isAsync, tail, err := parseInvokeHeaders(r.Header)
	if err != nil {
		return err
	}
	qualifier := r.URL.Query().Get("qualifier")
	res, err := s.resolve(ctx, account, name, qualifier)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if isAsync {
		return s.invokeAsync(w, r, res, body, qualifier)
	}
	inv := &sandbox.Invocation{RequestID: requestID(ctx), Body: body, WantLog: tail}
	out, err := s.invoke(ctx, res, inv)
	if err != nil {
		return err
	}
	writeInvokeResult(w, res, out, tail)
	return nil
}

// invoke runs one invocation of a resolved function through the scheduler.
// An instance that could not initialise is FC's 200 + InitializationError.
func (s *Server) invoke(ctx context.Context, res *resolved, inv *sandbox.Invocation) (*sandbox.Result, error) {
	account, err := s.account(ctx, res.target.Spec.AccountID)
	if err != nil {
		return nil, err
	}
	if err := s.checkRestriction(ctx, account.ID, res); err != nil {
		return nil, err
	}
	release, err := s.flow.admitInvoke(account, res.fn.FunctionName)
	if err != nil {
		return nil, err
	}
	defer release()
	out, err := s.sched.Invoke(ctx, res.target, inv)
	var initErr *sandbox.InitError
	if errors.As(err, &initErr) {
		return &sandbox.Result{ErrorType: sandbox.ErrorInitialization, Body: initErr.Body, Log: initErr.Log}, nil
	}
	return out, err
}

// parseInvokeHeaders checks the invocation type and log type; it reports
// whether the call is asynchronous and whether the caller asked for the log
// tail.
func parseInvokeHeaders(h http.Header) (isAsync, tail bool, err error) {
	switch t := h.Get(headerInvocationType); {
	case t == "" || strings.EqualFold(t, "Sync"):
	case strings.EqualFold(t, "Async"):
		isAsync = true
	default:
		return false, false, fc.InvalidArgument("%s %q is invalid: Sync or Async", headerInvocationType, t)
	}
	switch l := h.Get(headerLogType); {
	case l == "" || strings.EqualFold(l, "None"):
		return isAsync, false, nil
	case strings.EqualFold(l, "Tail"):
		return isAsync, true, nil
	default:
		return false, false, fc.InvalidArgument("%s %q is invalid: None or Tail", headerLogType, l)
	}
}

func writeInvokeResult(w http.ResponseWriter, fn *resolved, res *sandbox.Result, tail bool) {
	h := w.Header()
	for _, k := range passedResponseHeaders {
		if v := res.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("x-fc-code-checksum", fn.fn.CodeChecksum)
	h.Set("x-fc-invocation-service-version", fn.version)
	if res.ErrorType != "" {
		h.Set("x-fc-error-type", res.ErrorType)
	}
	if tail {
		log := res.Log
		if len(log) > fc.MaxTailLog {
			log = log[len(log)-fc.MaxTailLog:]
		}
		h.Set("x-fc-log-result", base64.StdEncoding.EncodeToString(log))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(res.Body)
}

// target derives what the scheduler needs to run a function version.
func (s *Server) target(account string, f *fc.Function, version string) *scheduler.Target {
	spec := sandbox.Spec{
		AccountID: account, Region: s.cfg.Region, Function: f.FunctionName,
		Qualifier: version, VersionID: version, Runtime: f.Runtime, Handler: f.Handler,
		Env: f.EnvironmentVariables, MemoryMB: f.MemorySize, CPU: f.CPU, DiskMB: f.DiskSize,
		Timeout:        time.Duration(f.Timeout) * time.Second,
		InternetAccess: f.InternetAccess,
	}
	if lc := f.InstanceLifecycleConfig; lc != nil {
		spec.Initializer = hook(lc.Initializer, fc.DefaultInitTimeout)
		spec.PreStop = hook(lc.PreStop, fc.DefaultInitTimeout)
	}
	if c := f.CustomRuntimeConfig; c != nil {
		spec.Command, spec.Args, spec.Port = c.Command, c.Args, c.Port
	}
	if spec.Port == 0 {
		spec.Port = fc.DefaultPort
	}
	return &scheduler.Target{
		Key:          qualifiedKey(account, f.FunctionName, version) + "/" + revision(f),
		Function:     cacheKey(account, f.FunctionName),
		Spec:         spec,
		CodeChecksum: f.CodeChecksum,
		Layers:       layerChecksums(f.Layers),
		Concurrency:  f.InstanceConcurrency,
		Timeout:      spec.Timeout,
	}
}

// layerChecksums lists the code packages of a function's layers, in order.
func layerChecksums(layers []fc.FunctionLayer) []string {
	if len(layers) == 0 {
		return nil
	}
	out := make([]string, len(layers))
	for i, l := range layers {
		out[i] = l.CodeChecksum
	}
	return out
}

func hook(h *fc.LifecycleHook, defaultTimeout int) *sandbox.Hook {
	if h == nil || h.Handler == "" {
		return nil
	}
	t := h.Timeout
	if t == 0 {
		t = defaultTimeout
	}
	return &sandbox.Hook{Handler: h.Handler, Timeout: time.Duration(t) * time.Second}
}

// checkRestriction refuses invocations of a function whose invocation is
// disabled; the restriction lives on LATEST and covers every version.
func (s *Server) checkRestriction(ctx context.Context, account string, res *resolved) error {
	latest := res
	if res.version != fc.Latest {
		var err error
		if latest, err = s.resolveVersion(ctx, account, res.fn.FunctionName, fc.Latest); err != nil {
			return err
		}
	}
	if r := latest.fn.InvocationRestriction; r != nil && r.Disable {
		return fc.Errorf(http.StatusForbidden, "FunctionInvocationDisabled",
			"invocation of function '%s' is disabled: %s", res.fn.FunctionName, r.Reason)
	}
	return nil
}
