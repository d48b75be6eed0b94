package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// memStore is a Store in memory that counts Opens and can hold them.
type memStore struct {
	mu      sync.Mutex
	data    map[string][]byte
	opens   map[string]int
	gate    chan struct{} // when not nil, Open waits for it to close
	started chan string   // when not nil, Open reports each call
}

func newMemStore() *memStore {
	return &memStore{data: map[string][]byte{}, opens: map[string]int{}}
}

// add stores data under its own checksum, or under sum if given (a lie).
func (s *memStore) add(data []byte, sum ...string) string {
	key := Checksum(data)
	if len(sum) > 0 {
		key = sum[0]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[key] = data
	return key
}

func (s *memStore) openCount(sum string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens[sum]
}

func (s *memStore) Put(_ context.Context, sum string, data []byte) error {
	if err := CheckPut(sum, data); err != nil {
		return err
	}
	s.add(data)
	return nil
}

func (s *memStore) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	s.mu.Lock()
	s.opens[sum]++
	data, ok := s.data[sum]
	s.mu.Unlock()
	if s.started != nil {
		s.started <- sum
	}
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if !ok {
		return nil, fmt.Errorf("code package %s: %w", sum, ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

func (s *memStore) Size(_ context.Context, sum string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.data[sum]
	if !ok {
		return 0, ErrNotFound
	}
	return int64(len(data)), nil
}

func (s *memStore) Delete(_ context.Context, sum string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.data, sum)
	return nil
}

// pkg is a package of one file, "body.txt", of size bytes.
func pkg(t testing.TB, label string, size int) []byte {
	t.Helper()
	return buildZip(t, file("body.txt", label+strings.Repeat(".", size-len(label))))
}

func newTestCache(t *testing.T, dir string, src Store, maxBytes int64) *Cache {
	t.Helper()
	c, err := NewCache(dir, src, maxBytes, Limits{}, nil)
	if err != nil {
		t.Fatalf("NewCache: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func acquire(t *testing.T, c *Cache, sum string) (string, func()) {
	t.Helper()
	dir, release, err := c.Acquire(context.Background(), sum)
	if err != nil {
		t.Fatalf("Acquire(%s): %v", sum, err)
	}
	return dir, release
}

func TestCacheUnpacksOnceForConcurrentAcquires(t *testing.T) {
	src := newMemStore()
	sum := src.add(pkg(t, "A", 100))
	c := newTestCache(t, t.TempDir(), src, 1<<20)
	var wg sync.WaitGroup
	dirs := make([]string, 20)
	for i := range dirs {
		wg.Go(func() {
			dir, release, err := c.Acquire(context.Background(), sum)
			if err != nil {
				t.Errorf("Acquire: %v", err)
				return
			}
			defer release()
			dirs[i] = dir
		})
	}
	wg.Wait()
	if n := src.openCount(sum); n != 1 {
		t.Errorf("store Opens: got %d, want 1", n)
	}
	for i, d := range dirs {
		if d != dirs[0] {
			t.Errorf("Acquire %d: got dir %s, want %s", i, d, dirs[0])
		}
	}
	wantBody(t, dirs[0], "A")
	for _, p := range []string{dirs[0], filepath.Join(dirs[0], "body.txt")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o022 != 0 || perm&0o004 == 0 {
			t.Errorf("%s: mode %v, want readable by all and writable by the owner only", p, perm)
		}
	}
}

// wantBody checks that dir is an unpacked pkg with the label.
func wantBody(t *testing.T, dir, label string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "body.txt"))
	if err != nil {
		t.Fatalf("unpacked package: %v", err)
	}
	if !bytes.HasPrefix(b, []byte(label+".")) {
		t.Errorf("unpacked package: got %.10q…, want label %s", b, label)
	}
}

func wantGone(t *testing.T, dir string, gone bool) {
	t.Helper()
	_, err := os.Stat(dir)
	if got := errors.Is(err, os.ErrNotExist); got != gone {
		t.Errorf("%s: gone = %v (%v), want %v", filepath.Base(dir), got, err, gone)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	src := newMemStore()
	a, b, c := src.add(pkg(t, "A", 100)), src.add(pkg(t, "B", 100)), src.add(pkg(t, "C", 100))
	cache := newTestCache(t, t.TempDir(), src, 250)
	dirA, rel := acquire(t, cache, a)
	rel()
	dirB, rel := acquire(t, cache, b)
	rel()
	_, rel = acquire(t, cache, a) // A is now the most recent
	rel()
	dirC, rel := acquire(t, cache, c)
	rel()
	wantGone(t, dirA, false)
	wantGone(t, dirB, true)
	wantGone(t, dirC, false)
	acquire(t, cache, b)
	if n := src.openCount(b); n != 2 {
		t.Errorf("Opens of an evicted package after a new Acquire: got %d, want 2", n)
	}
	if n := src.openCount(a); n != 1 {
		t.Errorf("Opens of a cached package: got %d, want 1", n)
	}
}

func TestCacheKeepsHeldEntries(t *testing.T) {
	src := newMemStore()
	a, b := src.add(pkg(t, "A", 100)), src.add(pkg(t, "B", 100))
	cache := newTestCache(t, t.TempDir(), src, 150)
	dirA, relA := acquire(t, cache, a)
	dirB, relB := acquire(t, cache, b)
	wantBody(t, dirA, "A") // over the bound, but both held
	wantBody(t, dirB, "B")
	relA()
	relA() // a second call does nothing
	wantGone(t, dirA, true)
	wantBody(t, dirB, "B")
	relB()
	wantGone(t, dirB, false) // within the bound again
}

func TestCacheFailures(t *testing.T) {
	valid := pkg(t, "V", 10)
	tests := []struct {
		name  string
		setup func(s *memStore) string
		want  error
	}{
		{"missing", func(s *memStore) string { return Checksum(valid) }, ErrNotFound},
		{"checksum mismatch", func(s *memStore) string { return s.add(valid, "12345") }, ErrChecksumMismatch},
		{"invalid package", func(s *memStore) string {
			return s.add(buildZip(t, file("ok", "x"), file("../evil", "x")))
		}, ErrInvalid},
		{"invalid checksum", func(s *memStore) string { return "../x" }, ErrInvalidChecksum},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := newMemStore()
			sum := tc.setup(src)
			dir := t.TempDir()
			cache := newTestCache(t, dir, src, 1<<20)
			for try := 1; try <= 2; try++ {
				_, _, err := cache.Acquire(context.Background(), sum)
				if !errors.Is(err, tc.want) {
					t.Fatalf("Acquire %d: got %v, want %v", try, err, tc.want)
				}
			}
			if tc.want != ErrInvalidChecksum {
				if n := src.openCount(sum); n != 2 {
					t.Errorf("Opens after two failed Acquires: got %d, want 2 (failures are not cached)", n)
				}
			}
			for _, sub := range []string{"pkg", "tmp"} {
				if names := readDirNames(t, filepath.Join(dir, sub)); len(names) != 0 {
					t.Errorf("%s after failures: got %v, want empty", sub, names)
				}
			}
		})
	}
}

func TestCacheRestartClearsLeftovers(t *testing.T) {
	src := newMemStore()
	sum := src.add(pkg(t, "A", 100))
	dir := t.TempDir()
	first := newTestCache(t, dir, src, 1<<20)
	acquire(t, first, sum)
	first.Close()
	for _, p := range []string{"tmp/123-half", "pkg/456/partial.js"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := newTestCache(t, dir, src, 1<<20)
	for _, sub := range []string{"pkg", "tmp"} {
		if names := readDirNames(t, filepath.Join(dir, sub)); len(names) != 0 {
			t.Errorf("%s after restart: got %v, want empty", sub, names)
		}
	}
	got, _ := acquire(t, second, sum)
	wantBody(t, got, "A")
	if n := src.openCount(sum); n != 2 {
		t.Errorf("Opens after restart: got %d, want 2", n)
	}
}

func TestCacheWaiterGivesUpButFillGoesOn(t *testing.T) {
	src := newMemStore()
	sum := src.add(pkg(t, "A", 100))
	src.gate, src.started = make(chan struct{}), make(chan string, 1)
	cache := newTestCache(t, t.TempDir(), src, 1<<20)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := cache.Acquire(ctx, sum)
		errc <- err
	}()
	<-src.started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled Acquire: got %v, want context.Canceled", err)
	}
	close(src.gate)
	dir, _ := acquire(t, cache, sum)
	wantBody(t, dir, "A")
	if n := src.openCount(sum); n != 1 {
		t.Errorf("Opens: got %d, want 1 (the first fill went on)", n)
	}
}

func TestCacheClose(t *testing.T) {
	src := newMemStore()
	sum := src.add(pkg(t, "A", 100))
	src.gate, src.started = make(chan struct{}), make(chan string, 1)
	cache := newTestCache(t, t.TempDir(), src, 1<<20)
	errc := make(chan error, 1)
	go func() {
		_, _, err := cache.Acquire(context.Background(), sum)
		errc <- err
	}()
	<-src.started
	if err := cache.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire waiting during Close: got %v, want context.Canceled", err)
	}
	if _, _, err := cache.Acquire(context.Background(), sum); !errors.Is(err, ErrClosed) {
		t.Errorf("Acquire after Close: got %v, want ErrClosed", err)
	}
	if err := cache.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNewCacheRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name     string
		maxBytes int64
		lim      Limits
		want     string
	}{
		{"zero bound", 0, Limits{}, "maxBytes 0"},
		{"negative bound", -1, Limits{}, "maxBytes -1"},
		{"bad limits", 1, Limits{MaxFiles: -3}, "MaxFiles -3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCache(t.TempDir(), newMemStore(), tc.maxBytes, tc.lim, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewCache: got %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

// TestCacheHammer acquires and releases a few packages from many goroutines
// with room for only some of them: a held directory must stay intact, and
// at rest the accounting must match the disk.
func TestCacheHammer(t *testing.T) {
	src := newMemStore()
	labels := []string{"A", "B", "C", "D", "E"}
	sums := make([]string, len(labels))
	for i, l := range labels {
		sums[i] = src.add(pkg(t, l, 100))
	}
	dir := t.TempDir()
	cache := newTestCache(t, dir, src, 250)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 30 {
				k := (g + i*3) % len(sums)
				d, release, err := cache.Acquire(context.Background(), sums[k])
				if err != nil {
					t.Errorf("Acquire: %v", err)
					return
				}
				if b, err := os.ReadFile(filepath.Join(d, "body.txt")); err != nil || b[0] != labels[k][0] {
					t.Errorf("held package %s: %.1q, %v", labels[k], b, err)
				}
				release()
			}
		})
	}
	wg.Wait()
	cache.Close() // waits for the fills, which remove what they evicted
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.size > 250 {
		t.Errorf("size at rest: got %d, want ≤ 250", cache.size)
	}
	if on, want := len(readDirNames(t, filepath.Join(dir, "pkg"))), len(cache.entries); on != want {
		t.Errorf("entries on disk: got %d, want %d", on, want)
	}
	if left := readDirNames(t, filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("tmp at rest: got %v, want empty", left)
	}
}
