package api

import (
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// DefaultLimits are the node's per-account defaults; an account's own
// Limits override them field by field.
var DefaultLimits = store.Limits{
	MaxFunctions:          1000,
	MaxInstances:          100, // FC's per-account instance quota
	RequestsPerSecond:     1000,
	Burst:                 2000,
	MaxConcurrentRequests: 1000,
	// FunctionRequestsPerSecond 0: a function may use the account's whole rate.
}

// flow is the API's flow control: per-account token buckets for requests,
// per-function buckets for invocations and a bound on an account's
// invocations in flight. A throttled caller gets 429 with a Code containing
// "Throttling", so the official SDK raises its ThrottlingError, and
// x-acs-retry-after.
type flow struct {
	defaults store.Limits
	mu       sync.Mutex
	accounts map[string]*accountFlow
}

// accountFlow is one account's live flow-control state.
type accountFlow struct {
	limits    store.Limits
	requests  *rate.Limiter
	functions map[string]*rate.Limiter // guarded by flow.mu
	inflight  atomic.Int64
}

func newFlow(defaults store.Limits) *flow {
	return &flow{defaults: defaults, accounts: make(map[string]*accountFlow)}
}

// state returns the account's flow state, rebuilt when its limits changed.
func (f *flow) state(a *store.Account) *accountFlow {
	limits := a.Limits.Or(f.defaults)
	f.mu.Lock()
	defer f.mu.Unlock()
	af := f.accounts[a.ID]
	if af == nil || af.limits != limits {
		af = &accountFlow{limits: limits, requests: newLimiter(limits.RequestsPerSecond, limits.Burst),
			functions: make(map[string]*rate.Limiter)}
		f.accounts[a.ID] = af
	}
	return af
}

func newLimiter(perSecond float64, burst int) *rate.Limiter {
	if perSecond <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Limit(perSecond), max(burst, int(math.Ceil(perSecond))))
}

// admitRequest spends one of the account's request tokens.
func (f *flow) admitRequest(a *store.Account) error {
	return take(f.state(a).requests, "Throttling.User", "account "+a.ID+" exceeded its request rate")
}

// admitInvoke spends one of the function's tokens and takes an in-flight
// slot; release gives the slot back.
func (f *flow) admitInvoke(a *store.Account, function string) (release func(), err error) {
	af := f.state(a)
	if af.limits.FunctionRequestsPerSecond > 0 {
		f.mu.Lock()
		lim := af.functions[function]
		if lim == nil {
			lim = newLimiter(af.limits.FunctionRequestsPerSecond, 0)
			af.functions[function] = lim
		}
		f.mu.Unlock()
		if err := take(lim, "Throttling.Function", "function '"+function+"' exceeded its request rate"); err != nil {
			return nil, err
		}
	}
	if n := af.inflight.Add(1); af.limits.MaxConcurrentRequests > 0 && n > int64(af.limits.MaxConcurrentRequests) {
		af.inflight.Add(-1)
		return nil, &fc.Error{Status: http.StatusTooManyRequests, Code: "Throttling.Concurrency", RetryAfter: 1,
			Message: "account " + a.ID + " has too many invocations in flight"}
	}
	return func() { af.inflight.Add(-1) }, nil
}

// take spends a token or answers the throttling error with the wait.
func take(lim *rate.Limiter, code, msg string) error {
	r := lim.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	r.Cancel()
	retry := int(math.Ceil(min(d, time.Hour).Seconds()))
	return &fc.Error{Status: http.StatusTooManyRequests, Code: code, Message: msg, RetryAfter: max(retry, 1)}
}
