package api

import (
	"strings"
	"sync"
	"sync/atomic"
)

// fillCache is a read-mostly cache filled from the store on a miss, whose
// writers drop entries: access keys and accounts, and what the invoke path
// needs (Server.resolved: LATEST configurations, version snapshots, aliases,
// async configs; webState.triggers), so that the warm path never reads the
// store. Reads are lock-free (sync.Map). A generation counter keeps a fill
// that raced with a drop from caching what it read before the write: a key
// disabled while a request was loading it must stay disabled, an updated
// function must not be served from its old configuration.
type fillCache[V any] struct {
	m   sync.Map // string → V
	gen atomic.Uint64
	mu  sync.Mutex // orders fills with drops
}

// get returns the cached value for key, loading it on a miss.
func (c *fillCache[V]) get(key string, load func() (V, error)) (V, error) {
	if v, ok := c.m.Load(key); ok {
		return v.(V), nil
	}
	gen := c.gen.Load()
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.gen.Load() == gen {
		c.m.Store(key, v)
	}
	c.mu.Unlock()
	return v, nil
}

// drop forgets key; a fill under way when it is called stores nothing.
func (c *fillCache[V]) drop(key string) {
	c.mu.Lock()
	c.gen.Add(1)
	c.m.Delete(key)
	c.mu.Unlock()
}

// dropPrefix forgets every key with the prefix, as drop does.
func (c *fillCache[V]) dropPrefix(prefix string) {
	c.mu.Lock()
	c.gen.Add(1)
	c.m.Range(func(k, _ any) bool {
		if strings.HasPrefix(k.(string), prefix) {
			c.m.Delete(k)
		}
		return true
	})
	c.mu.Unlock()
}
