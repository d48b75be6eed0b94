package api

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
)

// Invocation request headers (fc3-api.md §4), canonical: Header.Get with
// a canonical key does not allocate.
const (
	headerInvocationType = "X-Fc-Invocation-Type"
	headerLogType        = "X-Fc-Log-Type"
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
	qualifier := queryValue(r.URL.RawQuery, "qualifier")
	res, err := s.resolve(ctx, account, name, qualifier)
	if err != nil {
		return err
	}
	body, err := requestBody(r)
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
	af, err := s.flow.admitInvoke(account, res.fn.FunctionName)
	if err != nil {
		return nil, err
	}
	out, err := s.sched.Invoke(ctx, res.target, inv)
	if err == nil && out.Stream != nil {
		out.Stream = &flowStream{ReadCloser: out.Stream, af: af} // in flight until closed
	} else {
		af.release()
	}
	var initErr *sandbox.InitError
	if errors.As(err, &initErr) {
		return &sandbox.Result{ErrorType: sandbox.ErrorInitialization, Body: initErr.Body, Log: initErr.Log}, nil
	}
	return out, err
}

// flowStream is a streamed answer: its account's in-flight slot is given
// back when it is closed.
type flowStream struct {
	io.ReadCloser
	af   *accountFlow
	once sync.Once
}

func (f *flowStream) Close() error {
	err := f.ReadCloser.Close()
	f.once.Do(f.af.release)
	return err
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

// writeInvokeResult answers an invocation. Header keys are set canonical,
// without Header.Set's canonicalisation: this runs on every invocation.
func writeInvokeResult(w http.ResponseWriter, fn *resolved, res *sandbox.Result, tail bool) {
	h := w.Header()
	for _, k := range passedResponseHeaders {
		if v := res.Header[k]; len(v) > 0 && v[0] != "" {
			h[k] = v[:1]
		}
	}
	if len(h["Content-Type"]) == 0 {
		h["Content-Type"] = contentTypeOctet
	}
	h["X-Fc-Code-Checksum"] = fn.checksumHeader
	h["X-Fc-Invocation-Service-Version"] = fn.versionHeader
	if res.ErrorType != "" {
		h["X-Fc-Error-Type"] = []string{res.ErrorType}
	}
	if tail {
		log := res.Log
		if len(log) > fc.MaxTailLog {
			log = log[len(log)-fc.MaxTailLog:]
		}
		h["X-Fc-Log-Result"] = []string{base64.StdEncoding.EncodeToString(log)}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(res.Body))}
	w.WriteHeader(http.StatusOK)
	w.Write(res.Body)
}

var contentTypeOctet = []string{"application/octet-stream"}

// queryValue is the first value of key in a raw query, as
// url.Values.Get would find it, without parsing the rest.
func queryValue(rawQuery, key string) string {
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if strings.Contains(pair, ";") { // url.ParseQuery refuses these pairs
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if ku, err := url.QueryUnescape(k); err != nil || ku != key {
			continue
		}
		if vu, err := url.QueryUnescape(v); err == nil {
			return vu
		}
	}
	return ""
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
		KeepAlive:    s.keepAliveOf(f),
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
