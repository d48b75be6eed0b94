package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/yun-fc/yun/internal/acs3"
	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/front"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/scheduler"
	"github.com/yun-fc/yun/internal/store"
)

// apiPrefix starts every FC 3.0 path.
const apiPrefix = "/2023-03-30/"

// maxJSONBody bounds management request bodies: a 100 MB zip is ~134 MB of
// base64, plus the rest of the function's JSON.
const maxJSONBody = fc.MaxZipFile/3*4 + 4<<20

// Config configures the API service. The zero value is usable.
type Config struct {
	// Region appears in ARNs and in the context given to functions.
	// Default "cn-yun".
	Region string
	// PublicURL is the base URL clients reach this server at; it prefixes
	// GetFunctionCode download links. Default: derived from the request's Host.
	PublicURL string
	// CodeURLKey signs code download links; a random key if empty (links
	// then die with the process).
	CodeURLKey []byte
	// CodeURLTTL is how long a download link is valid. Default 10 minutes.
	CodeURLTTL time.Duration
	// MaxSkew is the accepted clock difference of signed requests. Default 15 min.
	MaxSkew time.Duration
	// Limits are the per-account defaults for quotas and flow control; zero
	// fields take DefaultLimits.
	Limits store.Limits
}

func (c *Config) setDefaults() {
	if c.Region == "" {
		c.Region = "cn-yun"
	}
	if c.CodeURLTTL == 0 {
		c.CodeURLTTL = 10 * time.Minute
	}
	if len(c.CodeURLKey) == 0 {
		c.CodeURLKey = randomBytes(32)
	}
	c.Limits = c.Limits.Or(DefaultLimits)
}

// invoker is what the API needs of the scheduler.
type invoker interface {
	Invoke(ctx context.Context, t *scheduler.Target, inv *sandbox.Invocation) (*sandbox.Result, error)
	// Retire stops a function's instances (every version); RetireKeys those
	// of the Keys with a prefix (one qualifier).
	Retire(function string)
	RetireKeys(prefix string)
}

// Deps are the components the API service uses.
type Deps struct {
	Store     store.Store
	Blobs     blob.Store
	Scheduler invoker
	// Runtimes lists the runtimes this node can run.
	Runtimes []string
	Logger   *slog.Logger
}

// Server is the API service; it is an http.Handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    store.Store
	blobs    blob.Store
	sched    invoker
	runtimes []string
	verifier *acs3.Verifier
	resolved *fillCache[any] // keys {account}/{function}/{qualifier}[#async]
	// versionMu serialises version and alias writes (id sequence, the
	// alias-in-use check); the API is the only writer on a node.
	versionMu sync.Mutex
	keys      fillCache[*store.AccessKey] // enabled keys by id
	// accountCache holds accounts by id; account writes go through this API
	// and invalidate it.
	accountCache fillCache[*store.Account]
	// adminMu serialises the writes to accounts and keys (read, change,
	// write back), so that two edits cannot lose one another.
	adminMu       sync.Mutex
	functionLocks functionLocks // see lockFunction
	// codeRefs is held shared from storing a code package until the record
	// that refers to it is written, and exclusively while collectCode
	// checks that nothing refers to a package and deletes it. It is the
	// innermost lock: nothing else is locked while it is held.
	codeRefs  sync.RWMutex
	keepAlive keepAlivePolicies // functions' own policies, by tag value
	flow      *flow
	async     asyncQueue // nil until SetAsync
	mux       *http.ServeMux
	// registered holds the route shapes with a handler (see routeShape).
	registered map[string]bool
	now        func() time.Time
	// HTTP triggers and custom domains (triggerstore.go, domains.go); the
	// hook follows trigger writes, e.g. for timers. Nil: nobody follows.
	web         *webState
	triggerHook TriggerHook
}

// New builds the API service.
func New(cfg Config, d Deps) *Server {
	cfg.setDefaults()
	s := &Server{cfg: cfg, log: d.Logger, store: d.Store, blobs: d.Blobs, sched: d.Scheduler,
		runtimes: d.Runtimes, resolved: new(fillCache[any]), flow: newFlow(cfg.Limits), mux: http.NewServeMux(), registered: map[string]bool{}, now: time.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.verifier = &acs3.Verifier{Lookup: s.lookupSecret, MaxSkew: cfg.MaxSkew}
	s.web = newWebState()
	s.routes()
	return s
}

func (s *Server) routes() {
	p := strings.TrimSuffix(apiPrefix, "/")
	s.handle("POST "+p+"/functions", s.createFunction)
	s.handle("GET "+p+"/functions", s.listFunctions)
	s.handle("GET "+p+"/functions/{name}", s.getFunction)
	s.handle("PUT "+p+"/functions/{name}", s.updateFunction)
	s.handle("DELETE "+p+"/functions/{name}", s.deleteFunction)
	s.handle("GET "+p+"/functions/{name}/code", s.getFunctionCode)
	s.handle("POST "+p+"/functions/{name}/invocations", s.invokeFunction)
	s.scalingRoutes()
	s.handle("POST "+p+"/functions/{name}/versions", s.publishFunctionVersion)
	s.handle("GET "+p+"/functions/{name}/versions", s.listFunctionVersions)
	s.handle("DELETE "+p+"/functions/{name}/versions/{versionId}", s.deleteFunctionVersion)
	s.handle("POST "+p+"/functions/{name}/aliases", s.createAlias)
	s.handle("GET "+p+"/functions/{name}/aliases", s.listAliases)
	s.handle("GET "+p+"/functions/{name}/aliases/{aliasName}", s.getAlias)
	s.handle("PUT "+p+"/functions/{name}/aliases/{aliasName}", s.updateAlias)
	s.handle("DELETE "+p+"/functions/{name}/aliases/{aliasName}", s.deleteAlias)
	s.accountRoutes()
	s.invocationControlRoutes()
	s.layerRoutes()
	s.asyncRoutes()
	s.triggerRoutes()
	s.unsupportedRoutes()
	s.mux.HandleFunc("GET "+codePath+"{token}", s.downloadCode)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, fc.Errorf(http.StatusBadRequest, fc.CodePathNotSupported,
			"'%s' against '%s' is not supported", r.Method, r.URL.EscapedPath()))
	})
}

// handlerFunc is an API handler: it returns an error instead of writing one.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(pattern string, h handlerFunc) {
	s.registered[routeShape(pattern)] = true
	h = s.lockFunction(pattern, h)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// ServeHTTP gives every request its id, authenticates FC API calls and
// routes them.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := newRequestID(s.now())
	w.Header()["X-Fc-Request-Id"] = []string{id}
	ctx, call := withCall(r.Context(), id)
	if watch := front.Watcher(ctx); watch != nil { // the lean loop's requests (internal/front)
		ctx = scheduler.WithWaitWatch(ctx, watch)
	}
	r = r.WithContext(ctx)
	if s.serveWeb(w, r) { // HTTP triggers and custom domains (web.go)
		return
	}
	if strings.HasPrefix(r.URL.Path, apiPrefix) || strings.HasPrefix(r.URL.Path, adminPrefix) {
		k, err := s.authenticate(r)
		if err == nil {
			err = s.admit(ctx, k)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		call.account, call.accessKey = k.AccountID, k.ID
	}
	s.mux.ServeHTTP(w, r)
}

// authenticate reads the body (bounded), verifies the ACS3 signature and
// returns the caller's key. The body is put back for the handler, which
// can take it without a copy (requestBody).
func (s *Server) authenticate(r *http.Request) (*store.AccessKey, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	akID, err := s.verifier.Verify(r.Context(), r, body)
	if err != nil {
		return nil, err
	}
	k, err := s.accessKey(r.Context(), akID)
	if err != nil {
		return nil, err
	}
	r.Body = &bufferedBody{Reader: bytes.NewReader(body), b: body}
	r.ContentLength = int64(len(body))
	return k, nil
}

// bufferedBody is a request body already read in full.
type bufferedBody struct {
	*bytes.Reader
	b []byte
}

func (*bufferedBody) Close() error { return nil }

// requestBody returns the whole body of r: the bytes authenticate read, or
// what remains to be read.
func requestBody(r *http.Request) ([]byte, error) {
	if b, ok := r.Body.(*bufferedBody); ok && b.Len() == len(b.b) {
		b.Seek(0, io.SeekEnd)
		return b.b, nil
	}
	return io.ReadAll(r.Body)
}

// admit refuses callers of a disabled account and applies the account's
// request rate.
func (s *Server) admit(ctx context.Context, k *store.AccessKey) error {
	a, err := s.account(ctx, k.AccountID)
	if err != nil {
		return err
	}
	if a.Disabled {
		return fc.Errorf(http.StatusForbidden, fc.CodeAccessDenied, "account '%s' is disabled", a.ID)
	}
	return s.flow.admitRequest(a)
}

// readBody reads the whole body within the limit for its operation.
func readBody(r *http.Request) ([]byte, error) {
	limit := int64(maxJSONBody)
	tooLarge := func() error {
		return fc.Errorf(http.StatusBadRequest, fc.CodeEntityTooLarge,
			"request body exceeds the maximum allowed size (%d bytes)", limit)
	}
	if strings.HasSuffix(r.URL.Path, "/invocations") {
		limit = fc.MaxSyncPayload
		tooLarge = func() error {
			return fc.Errorf(http.StatusBadRequest, fc.CodeEntityTooLarge,
				"payload size exceeds maximum allowed size (%d bytes)", limit)
		}
	}
	if r.ContentLength > limit {
		return nil, tooLarge()
	}
	body, err := readAllSized(r.Body, r.ContentLength, limit)
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, tooLarge()
	}
	return body, nil
}

// readAllSized reads rd to its end, at most limit+1 bytes, into a buffer
// of the declared size when there is one (n >= 0).
func readAllSized(rd io.Reader, n, limit int64) ([]byte, error) {
	if n < 0 || n > limit {
		return io.ReadAll(io.LimitReader(rd, limit+1))
	}
	buf := make([]byte, n, n+1)
	if _, err := io.ReadFull(rd, buf); err != nil {
		return nil, err
	}
	// net/http has framed the body by its Content-Length: nothing follows.
	return buf, nil
}

func (s *Server) lookupSecret(ctx context.Context, akID string) (string, error) {
	k, err := s.accessKey(ctx, akID)
	if err != nil {
		return "", err
	}
	return k.Secret, nil
}

// accessKey returns an enabled access key, cached after the first lookup.
func (s *Server) accessKey(ctx context.Context, akID string) (*store.AccessKey, error) {
	return s.keys.get(akID, func() (*store.AccessKey, error) {
		k, err := s.store.GetAccessKey(ctx, akID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && k.Disabled) {
			return nil, fmt.Errorf("invalid access key ID '%s': %w", akID, acs3.ErrUnknownAccessKey)
		}
		return k, err
	})
}
