package acs3

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
)

// maxMacKeys bounds the access keys a macCache keeps states for; past it one
// entry makes room for the next, so that a node with more keys than that in
// use still reuses most states.
const maxMacKeys = 1024

// macCache keeps keyed HMAC-SHA256 states for reuse, per access key: keying
// one costs two SHA-256 blocks and several allocations, and a signature
// check would otherwise pay them on every request. An entry holds the secret
// its states were keyed with and serves no other: a rotated secret takes
// effect at once. Forget drops a key's entry when the key is disabled.
type macCache struct {
	entries sync.Map // access key id → *macEntry

	mu sync.Mutex // serialises inserts and removals, and guards n
	n  int
}

type macEntry struct {
	secret string
	states sync.Pool // of hash.Hash keyed with secret
}

// get returns a state keyed with secret, the secret of access key id; put
// it back after use.
func (c *macCache) get(id, secret string) hash.Hash {
	if v, ok := c.entries.Load(id); ok {
		if e := v.(*macEntry); e.secret == secret {
			if mac, ok := e.states.Get().(hash.Hash); ok {
				return mac
			}
		}
	}
	return hmac.New(sha256.New, []byte(secret))
}

// put keeps mac, keyed with secret, for the next get of id.
func (c *macCache) put(id, secret string, mac hash.Hash) {
	if v, ok := c.entries.Load(id); ok && v.(*macEntry).secret == secret {
		v.(*macEntry).states.Put(mac)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries.Load(id); !ok {
		if c.n >= maxMacKeys {
			c.entries.Range(func(k, _ any) bool { // the map's order: an arbitrary victim
				c.entries.Delete(k)
				return false
			})
		} else {
			c.n++
		}
	}
	e := &macEntry{secret: secret}
	e.states.Put(mac)
	c.entries.Store(id, e)
}

// forget drops the states of access key id.
func (c *macCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries.LoadAndDelete(id); ok {
		c.n--
	}
}
