package acs3

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"time"
)

// bucketWidth is the span of request dates one nonce bucket holds. Expiry and
// eviction drop whole buckets, so they cost O(buckets), about 2·skew/width.
const bucketWidth = time.Minute

// nonceKey identifies (access key, nonce) in 16 bytes whatever their length.
type nonceKey [16]byte

func keyOf(accessKeyID, nonce string) nonceKey {
	var buf [256]byte
	b := append(buf[:0], accessKeyID...)
	b = append(b, 0)
	sum := sha256.Sum256(append(b, nonce...))
	return nonceKey(sum[:16])
}

// nonceCache remembers the nonces of accepted requests, bucketed by the
// minute of their x-acs-date. A replay carries the same signed date, so it is
// looked for in one bucket. A bucket is dropped once all its dates are older
// than the skew window (checkDate refuses those). When the cache holds max
// nonces the oldest bucket is evicted early and floor moves past it: requests
// dated before floor are refused, so an evicted nonce is never accepted twice.
type nonceCache struct {
	max  int
	skew time.Duration

	mu      sync.Mutex
	size    int
	floor   time.Time
	buckets map[int64]map[nonceKey]struct{} // by unix second of the bucket's start
}

func newNonceCache(max int, skew time.Duration) *nonceCache {
	return &nonceCache{max: max, skew: skew, buckets: make(map[int64]map[nonceKey]struct{})}
}

// add records the nonce of a request dated date, received at now. It fails
// with ErrNonceReplayed for a nonce already recorded, and with ErrClockSkew
// for a date older than the cache still remembers.
func (c *nonceCache) add(accessKeyID, nonce string, date, now time.Time) error {
	key := keyOf(accessKeyID, nonce)
	start := date.Truncate(bucketWidth).Unix()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(now)
	if err := c.checkFloor(date); err != nil {
		return err
	}
	if _, seen := c.buckets[start][key]; seen {
		return fmt.Errorf("%w: %s %q", ErrNonceReplayed, HeaderNonce, nonce)
	}
	for c.size >= c.max && len(c.buckets) > 0 {
		c.evictOldest()
	}
	if err := c.checkFloor(date); err != nil {
		return err // its own minute was just evicted
	}
	if c.buckets[start] == nil {
		c.buckets[start] = make(map[nonceKey]struct{})
	}
	c.buckets[start][key] = struct{}{}
	c.size++
	return nil
}

// checkFloor refuses dates the cache no longer remembers.
func (c *nonceCache) checkFloor(date time.Time) error {
	if date.Before(c.floor) {
		return fmt.Errorf("%w: too many recent requests; ones dated before %s are refused",
			ErrClockSkew, c.floor.UTC().Format(DateLayout))
	}
	return nil
}

// expire drops the buckets whose every date is now outside the skew window.
func (c *nonceCache) expire(now time.Time) {
	oldest := now.Add(-c.skew)
	for start, bucket := range c.buckets {
		if !bucketEnd(start).After(oldest) {
			c.size -= len(bucket)
			delete(c.buckets, start)
		}
	}
}

// evictOldest drops the oldest bucket and refuses its dates from now on.
func (c *nonceCache) evictOldest() {
	first := true
	var oldest int64
	for start := range c.buckets {
		if first || start < oldest {
			oldest, first = start, false
		}
	}
	c.size -= len(c.buckets[oldest])
	delete(c.buckets, oldest)
	if end := bucketEnd(oldest); end.After(c.floor) {
		c.floor = end
	}
}

func bucketEnd(start int64) time.Time {
	return time.Unix(start, 0).Add(bucketWidth)
}
