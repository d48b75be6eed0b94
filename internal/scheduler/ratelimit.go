package scheduler

import (
	"math"
	"sync"
	"time"
)

// tokenBucket is a token bucket driven by the times it is given: rate tokens
// a second, at most burst held.
type tokenBucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newTokenBucket(rate float64, burst int) tokenBucket {
	return tokenBucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// take removes up to n whole tokens at now and returns how many it got. When
// it got fewer than n, next is when the next token will be there.
func (b *tokenBucket) take(now time.Time, n int) (got int, next time.Time) {
	b.refill(now)
	got = min(n, int(b.tokens))
	b.tokens -= float64(got)
	if got == n {
		return got, time.Time{}
	}
	wait := math.Ceil((1 - b.tokens) / b.rate * float64(time.Second))
	return got, now.Add(time.Duration(wait))
}

func (b *tokenBucket) refill(now time.Time) {
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	if now.After(b.last) {
		b.last = now
	}
}

// startLimiter is the node's instance-creation rate limit, shared by pools.
type startLimiter struct {
	mu sync.Mutex
	b  tokenBucket
}

func (l *startLimiter) take(now time.Time, n int) (int, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.take(now, n)
}
