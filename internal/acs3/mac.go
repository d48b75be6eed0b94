package acs3

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"sync"
	"sync/atomic"
)

// maxMacSecrets bounds the secrets a macCache keeps states for; past it the
// cache starts over (secrets rotate, accounts come and go).
const maxMacSecrets = 1024

// macCache keeps keyed HMAC-SHA256 states for reuse, per secret. Keying one
// costs two SHA-256 blocks and several allocations, and a signature check
// would otherwise pay them on every request.
type macCache struct {
	pools sync.Map // secret → *sync.Pool of hash.Hash keyed with it
	n     atomic.Int32
}

// get returns a state keyed with secret; put it back after use.
func (c *macCache) get(secret string) hash.Hash {
	if p, ok := c.pools.Load(secret); ok {
		if mac, ok := p.(*sync.Pool).Get().(hash.Hash); ok {
			return mac
		}
	}
	return hmac.New(sha256.New, []byte(secret))
}

// put keeps mac, keyed with secret, for the next get.
func (c *macCache) put(secret string, mac hash.Hash) {
	p, ok := c.pools.Load(secret)
	if !ok {
		if c.n.Add(1) > maxMacSecrets {
			c.pools.Clear()
			c.n.Store(1)
		}
		p, _ = c.pools.LoadOrStore(secret, new(sync.Pool))
	}
	p.(*sync.Pool).Put(mac)
}
