package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/scheduler"
	"github.com/yun-fc/yun/internal/store"
)

// functionCache keeps function configurations in memory so that the warm
// invoke path never reads the store. The API is the only writer of functions
// on a node, so it invalidates entries on every write; a generation counter
// keeps a fill that raced with an invalidation from caching a stale value.
type functionCache struct {
	store store.Store
	mu    sync.Mutex
	gen   uint64
	m     map[string]*cachedFunction
}

// cachedFunction is a function with what the invoke path derives from it.
type cachedFunction struct {
	fn     *fc.Function
	target *scheduler.Target
}

func newFunctionCache(st store.Store) *functionCache {
	return &functionCache{store: st, m: make(map[string]*cachedFunction)}
}

func cacheKey(account, name string) string { return account + "/" + name }

// get returns the cached function, loading it from the store and deriving
// its target with build on a miss.
func (c *functionCache) get(ctx context.Context, account, name string, build func(*fc.Function) *scheduler.Target) (*cachedFunction, error) {
	key := cacheKey(account, name)
	c.mu.Lock()
	cf, gen := c.m[key], c.gen
	c.mu.Unlock()
	if cf != nil {
		return cf, nil
	}
	f, err := c.store.GetFunction(ctx, account, name)
	if err != nil {
		return nil, err
	}
	cf = &cachedFunction{fn: f, target: build(f)}
	c.mu.Lock()
	if c.gen == gen {
		c.m[key] = cf
	}
	c.mu.Unlock()
	return cf, nil
}

// invalidate drops a function after a write.
func (c *functionCache) invalidate(account, name string) {
	c.mu.Lock()
	c.gen++
	delete(c.m, cacheKey(account, name))
	c.mu.Unlock()
}

// revision fingerprints a function's configuration: instances started for
// one revision are never used for another.
func revision(f *fc.Function) string {
	b, _ := json.Marshal(f)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
