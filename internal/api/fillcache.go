package api

import (
	"sync"
	"sync/atomic"
)

// fillCache is a read-mostly cache filled from the store on a miss, whose
// writers drop entries. Reads are lock-free (sync.Map). A generation counter
// keeps a fill that raced with a drop from caching what it read before the
// write: a key disabled while a request was loading it must stay disabled.
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
