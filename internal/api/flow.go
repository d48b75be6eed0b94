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
	accounts sync.Map // account id -> *accountFlow, replaced when its limits change
	mu       sync.Mutex
}

// accountFlow is one account's live flow-control state.
type accountFlow struct {
	limits    store.Limits
	requests  *rate.Limiter
	functions sync.Map // function name -> *rate.Limiter
	inflight  atomic.Int64
}

func newFlow(defaults store.Limits) *flow {
	return &flow{defaults: defaults}
}

// state returns the account's flow state, rebuilt when its limits changed.
// The warm path takes no lock.
func (f *flow) state(a *store.Account) *accountFlow {
	limits := a.Limits.Or(f.defaults)
	if v, ok := f.accounts.Load(a.ID); ok && v.(*accountFlow).limits == limits {
		return v.(*accountFlow)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.accounts.Load(a.ID); ok && v.(*accountFlow).limits == limits {
		return v.(*accountFlow)
	}
	af := &accountFlow{limits: limits, requests: newLimiter(limits.RequestsPerSecond, limits.Burst)}
	f.accounts.Store(a.ID, af)
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
	return take(f.state(a).requests, "Throttling.User", func() string { return "account " + a.ID + " exceeded its request rate" })
}

// admitInvoke spends one of the function's tokens and takes an in-flight
// slot of the account; the caller gives it back with release.
func (f *flow) admitInvoke(a *store.Account, function string) (*accountFlow, error) {
	af := f.state(a)
	if af.limits.FunctionRequestsPerSecond > 0 {
		v, ok := af.functions.Load(function)
		if !ok {
			v, _ = af.functions.LoadOrStore(function, newLimiter(af.limits.FunctionRequestsPerSecond, 0))
		}
		err := take(v.(*rate.Limiter), "Throttling.Function", func() string { return "function '" + function + "' exceeded its request rate" })
		if err != nil {
			return nil, err
		}
	}
	if n := af.inflight.Add(1); af.limits.MaxConcurrentRequests > 0 && n > int64(af.limits.MaxConcurrentRequests) {
		af.inflight.Add(-1)
		return nil, &fc.Error{Status: http.StatusTooManyRequests, Code: "Throttling.Concurrency", RetryAfter: 1,
			Message: "account " + a.ID + " has too many invocations in flight"}
	}
	return af, nil
}

// release gives back an in-flight slot taken by admitInvoke.
func (af *accountFlow) release() { af.inflight.Add(-1) }

// take spends a token or answers the throttling error with the wait.
func take(lim *rate.Limiter, code string, msg func() string) error {
	if lim.Allow() {
		return nil
	}
	r := lim.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	r.Cancel()
	retry := int(math.Ceil(min(d, time.Hour).Seconds()))
	return &fc.Error{Status: http.StatusTooManyRequests, Code: code, Message: msg(), RetryAfter: max(retry, 1)}
}
