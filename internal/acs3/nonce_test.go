package acs3

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNonceCacheExpiry(t *testing.T) {
	const skew = 15 * time.Minute
	c := newNonceCache(100, skew)
	date := testDate.Add(30 * time.Second)
	if err := c.add("ak", "n1", date, date); err != nil {
		t.Fatalf("first add = %v, want nil", err)
	}
	steps := []struct {
		name string
		now  time.Time
		want error
		size int
	}{
		{"replayed at once", date, ErrNonceReplayed, 1},
		{"replayed at the edge of the window", date.Add(skew), ErrNonceReplayed, 1},
		// Past the window the date check refuses the replay; the cache has forgotten it.
		{"forgotten once its minute is out of the window", testDate.Add(time.Minute + skew), nil, 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			err := c.add("ak", "n1", date, s.now)
			if !errors.Is(err, s.want) || (s.want == nil) != (err == nil) {
				t.Fatalf("add = %v, want %v", err, s.want)
			}
			if c.size != s.size {
				t.Errorf("size = %d, want %d", c.size, s.size)
			}
		})
	}
}

func TestNonceCacheScopedByKeyAndDate(t *testing.T) {
	c := newNonceCache(100, time.Hour)
	adds := []struct {
		name, key, nonce string
		date             time.Time
		want             error
	}{
		{"first", "ak1", "n", testDate, nil},
		{"same nonce, other key", "ak2", "n", testDate, nil},
		{"same nonce, other date", "ak1", "n", testDate.Add(time.Minute), nil},
		{"replay", "ak1", "n", testDate, ErrNonceReplayed},
		{"separator cannot be forged", "ak1\x00n", "", testDate, nil},
	}
	for _, a := range adds {
		t.Run(a.name, func(t *testing.T) {
			err := c.add(a.key, a.nonce, a.date, testDate)
			if !errors.Is(err, a.want) || (a.want == nil) != (err == nil) {
				t.Fatalf("add = %v, want %v", err, a.want)
			}
		})
	}
}

// TestNonceCacheFull: at capacity the oldest minute is evicted and its dates
// refused, so an evicted nonce is still never accepted twice.
func TestNonceCacheFull(t *testing.T) {
	c := newNonceCache(3, 15*time.Minute)
	now := testDate.Add(2 * time.Minute)
	minute := func(i int) time.Time { return testDate.Add(time.Duration(i) * time.Minute) }
	for i := range 3 {
		if err := c.add("ak", fmt.Sprint("n", i), minute(i), now); err != nil {
			t.Fatalf("add n%d = %v, want nil", i, err)
		}
	}
	steps := []struct {
		name  string
		nonce string
		date  time.Time
		want  error
	}{
		{"new nonce evicts the oldest minute", "n3", minute(2), nil},
		{"evicted nonce replayed", "n0", minute(0), ErrClockSkew},
		{"new nonce in the evicted minute", "n4", minute(0).Add(59 * time.Second), ErrClockSkew},
		{"kept nonce replayed: refusals evict nothing", "n1", minute(1), ErrNonceReplayed},
		{"next new nonce evicts the next minute", "n5", minute(2), nil},
		{"nonce of that minute replayed", "n1", minute(1), ErrClockSkew},
		{"newest nonce replayed", "n5", minute(2), ErrNonceReplayed},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			err := c.add("ak", s.nonce, s.date, now)
			if !errors.Is(err, s.want) || (s.want == nil) != (err == nil) {
				t.Fatalf("add = %v, want %v", err, s.want)
			}
			if c.size > 3 {
				t.Errorf("size = %d, want at most 3", c.size)
			}
		})
	}
}

// TestNonceCacheHammer races many goroutines over the same nonces: each must
// be accepted exactly once.
func TestNonceCacheHammer(t *testing.T) {
	const goroutines, nonces = 8, 500
	c := newNonceCache(nonces, 15*time.Minute)
	var accepted [nonces]atomic.Int32
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for i := range nonces {
				err := c.add("ak", fmt.Sprint(i), testDate, testDate)
				switch {
				case err == nil:
					accepted[i].Add(1)
				case !errors.Is(err, ErrNonceReplayed):
					t.Errorf("add %d = %v, want nil or %v", i, err, ErrNonceReplayed)
				}
			}
		})
	}
	wg.Wait()
	for i := range accepted {
		if n := accepted[i].Load(); n != 1 {
			t.Errorf("nonce %d accepted %d times, want 1", i, n)
		}
	}
}
