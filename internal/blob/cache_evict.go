package blob

import (
	"fmt"
	"os"
	"path/filepath"
)

// evictLocked drops the least recently acquired entries that nobody holds
// until the cache is within its bound. It renames their trees into tmp (so
// the checksum can be filled again at once) and returns those paths for
// remove, to be called without the lock. c.mu must be held.
func (c *Cache) evictLocked() []string {
	var victims []string
	for el := c.lru.Back(); el != nil && c.size > c.maxBytes; {
		e, prev := el.Value.(*cacheEntry), el.Prev()
		if e.refs == 0 {
			if trash, err := c.dropLocked(e); err != nil {
				c.log.Error("code package not evicted", "checksum", e.checksum, "err", err)
			} else {
				victims = append(victims, trash)
			}
		}
		el = prev
	}
	return victims
}

// dropLocked moves e's tree out of pkg and forgets e. c.mu must be held.
func (c *Cache) dropLocked(e *cacheEntry) (string, error) {
	c.evicted++
	trash := filepath.Join(c.tmpDir, fmt.Sprintf("evicted-%d", c.evicted))
	if err := os.Rename(c.entryDir(e.checksum), trash); err != nil {
		return "", err
	}
	c.lru.Remove(e.elem)
	delete(c.entries, e.checksum)
	c.size -= e.size
	c.log.Info("code package evicted", "checksum", e.checksum, "bytes", e.size)
	return trash, nil
}

// remove deletes evicted trees.
func (c *Cache) remove(trees []string) {
	for _, t := range trees {
		if err := os.RemoveAll(t); err != nil {
			c.log.Error("evicted code package not removed", "path", t, "err", err)
		}
	}
}
