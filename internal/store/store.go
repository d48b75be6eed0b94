// Package store is Yun's metadata contract: accounts, access keys and
// functions (later versions, aliases, triggers and configs). Backends: bolt
// (embedded, the default) and, later, etcd; storetest is the conformance suite
// every backend passes.
//
// Key schema (the same logical layout in every backend):
//
//	accounts/{accountID}                 -> Account JSON
//	keys/{accessKeyID}                   -> AccessKey JSON
//	functions/{accountID}/{functionName} -> fc.Function JSON
//	docs/{kind}/{accountID}/{name}       -> a document's JSON (see Doc)
//
// Names sort byte-wise; ListFunctions pages in that order. A write returns
// only once it is durable (bbolt: fsync on commit).
package store

import (
	"context"
	"errors"

	"github.com/yun-fc/yun/internal/fc"
)

// Sentinel errors; backends wrap them with the identifier.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// Account is a tenant. Every resource belongs to exactly one account.
type Account struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Admin    bool   `json:"admin"`
	Disabled bool   `json:"disabled"`
	Created  string `json:"created"`
	// Limits override the node's defaults for this account; zero fields
	// take the default.
	Limits Limits `json:"limits"`
}

// Limits are an account's quotas and flow-control settings.
type Limits struct {
	MaxFunctions int `json:"maxFunctions,omitempty"`
	MaxInstances int `json:"maxInstances,omitempty"`
	// MaxMemoryMB bounds the memory (memorySize) the account's live
	// instances hold on a node together; 0: no bound but the node's.
	MaxMemoryMB int `json:"maxMemoryMB,omitempty"`
	// RequestsPerSecond and Burst bound the account's API and invoke
	// requests together (a token bucket).
	RequestsPerSecond float64 `json:"requestsPerSecond,omitempty"`
	Burst             int     `json:"burst,omitempty"`
	// FunctionRequestsPerSecond bounds each function's invocations.
	FunctionRequestsPerSecond float64 `json:"functionRequestsPerSecond,omitempty"`
	// MaxConcurrentRequests bounds the account's invocations in flight.
	MaxConcurrentRequests int `json:"maxConcurrentRequests,omitempty"`
}

// Or returns l with every zero field taken from defaults.
func (l Limits) Or(defaults Limits) Limits {
	pick := func(v, d int) int {
		if v != 0 {
			return v
		}
		return d
	}
	pickf := func(v, d float64) float64 {
		if v != 0 {
			return v
		}
		return d
	}
	return Limits{
		MaxFunctions: pick(l.MaxFunctions, defaults.MaxFunctions), MaxInstances: pick(l.MaxInstances, defaults.MaxInstances),
		RequestsPerSecond: pickf(l.RequestsPerSecond, defaults.RequestsPerSecond),
		Burst:             pick(l.Burst, defaults.Burst), FunctionRequestsPerSecond: pickf(l.FunctionRequestsPerSecond, defaults.FunctionRequestsPerSecond),
		MaxConcurrentRequests: pick(l.MaxConcurrentRequests, defaults.MaxConcurrentRequests),
		MaxMemoryMB:           pick(l.MaxMemoryMB, defaults.MaxMemoryMB),
	}
}

// AccessKey authenticates requests for its account.
type AccessKey struct {
	ID        string `json:"id"`
	Secret    string `json:"secret"`
	AccountID string `json:"accountId"`
	Disabled  bool   `json:"disabled"`
	Created   string `json:"created"`
}

// Store is the metadata store.
type Store interface {
	PutAccount(ctx context.Context, a *Account) error
	GetAccount(ctx context.Context, id string) (*Account, error)
	ListAccounts(ctx context.Context) ([]*Account, error)

	PutAccessKey(ctx context.Context, k *AccessKey) error
	GetAccessKey(ctx context.Context, id string) (*AccessKey, error)
	ListAccessKeys(ctx context.Context, accountID string) ([]*AccessKey, error)

	// CreateFunction stores a new function; ErrExists if the name is taken.
	CreateFunction(ctx context.Context, accountID string, f *fc.Function) error
	GetFunction(ctx context.Context, accountID, name string) (*fc.Function, error)
	// UpdateFunction applies update to the stored function atomically and
	// stores the result; an error from update aborts and is returned as is.
	UpdateFunction(ctx context.Context, accountID, name string, update func(*fc.Function) error) (*fc.Function, error)
	DeleteFunction(ctx context.Context, accountID, name string) error
	// ListFunctions returns up to limit functions whose names start with
	// prefix and sort after startAfter.
	ListFunctions(ctx context.Context, accountID, prefix, startAfter string, limit int) ([]*fc.Function, error)
	// CodeInUse says whether any function of any account still
	// refers to the code checksum, as its code or as one of its layers'
	// (so the package may not be deleted).
	CodeInUse(ctx context.Context, checksum string) (bool, error)

	// Documents are the account's smaller resources — provision, concurrency
	// and async-invoke configs, triggers, versions, aliases … — stored as JSON
	// by kind and name. Names may contain '/' (e.g. "fn/qualifier").
	PutDoc(ctx context.Context, d *Doc) error
	// GetDoc returns ErrNotFound if there is no such document.
	GetDoc(ctx context.Context, accountID, kind, name string) (*Doc, error)
	// DeleteDoc returns ErrNotFound if there is no such document.
	DeleteDoc(ctx context.Context, accountID, kind, name string) error
	// ListDocs returns, sorted by name, up to limit documents of the account
	// and kind whose names start with prefix and sort after startAfter. A
	// limit of zero or less means no limit.
	ListDocs(ctx context.Context, accountID, kind, prefix, startAfter string, limit int) ([]*Doc, error)
	// ListKind returns every document of a kind across all accounts, for the
	// components that reconcile them (the scheduler, timers).
	ListKind(ctx context.Context, kind string) ([]*Doc, error)

	Close() error
}

// Doc is one stored document.
type Doc struct {
	AccountID string
	Kind      string
	Name      string
	Value     []byte // JSON
}
