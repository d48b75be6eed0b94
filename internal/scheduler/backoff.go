package scheduler

import "time"

// Start-failure backoff: the first failure of a pool blocks new starts for
// minBackoff, each further consecutive failure doubles that up to maxBackoff.
const (
	minBackoff = time.Second
	maxBackoff = time.Minute
)

// backoff remembers a pool's consecutive start failures.
type backoff struct {
	failures int
	until    time.Time // no start before this
	err      error     // the last failure, for requests refused meanwhile
}

// backoffDelay is the pause after the given number of consecutive failures.
func backoffDelay(failures int) time.Duration {
	d := minBackoff
	for i := 1; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// fail records a failed start at now.
func (b *backoff) fail(now time.Time, err error) {
	b.failures++
	b.until = now.Add(backoffDelay(b.failures))
	b.err = err
}

// active reports whether starts are blocked at now.
func (b *backoff) active(now time.Time) bool {
	return b.failures > 0 && now.Before(b.until)
}
