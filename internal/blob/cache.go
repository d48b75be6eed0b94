package blob

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// ErrClosed: the Cache is closed.
var ErrClosed = errors.New("code cache closed")

// Cache is a node's cache of unpacked code packages, bounded in bytes.
//
// Each checksum is fetched from the Store, verified and unpacked once, by a
// fill goroutine that the Cache owns: concurrent Acquires of one checksum
// wait for the same fill, fills of different checksums run in parallel, and
// a caller that stops waiting does not stop the fill. A failed fill is not
// remembered; the next Acquire tries again. Acquired entries are
// reference-counted; when the unpacked bytes exceed the bound, the least
// recently acquired entries that nobody holds are evicted. Entries in use
// are never evicted, so the bound can be exceeded while they are held.
//
// Layout: {dir}/pkg/{checksum} is a complete unpacked package; {dir}/tmp
// holds packages being unpacked and evicted ones being removed. An entry
// reaches pkg only by rename, so a crash never leaves a partial one there;
// NewCache clears both all the same, because the cache can be rebuilt and
// an unpack is not fsynced.
type Cache struct {
	pkgDir, tmpDir string
	src            Store
	maxBytes       int64
	lim            Limits
	log            *slog.Logger

	ctx    context.Context // fills run under it; Close cancels it
	cancel context.CancelFunc
	fills  sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	entries map[string]*cacheEntry // filling and ready
	lru     list.List              // of ready *cacheEntry, most recent first
	size    int64                  // unpacked bytes of ready entries
	evicted int                    // names evicted trees in tmp
}

type cacheEntry struct {
	checksum string
	done     chan struct{} // closed when the fill ends
	err      error         // the fill's outcome, set before done closes
	size     int64         // unpacked bytes, once ready
	refs     int           // Acquires not yet released, waiting ones included
	elem     *list.Element // in lru, once ready
}

// NewCache opens the cache in dir, removing whatever an earlier run left
// there. Packages come from src, are unpacked under lim and are evicted
// once the cache holds more than maxBytes unpacked bytes. A nil log
// discards.
func NewCache(dir string, src Store, maxBytes int64, lim Limits, log *slog.Logger) (*Cache, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("code cache: maxBytes %d is not positive", maxBytes)
	}
	if err := lim.Validate(); err != nil {
		return nil, fmt.Errorf("code cache: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Cache{
		pkgDir: filepath.Join(dir, "pkg"), tmpDir: filepath.Join(dir, "tmp"),
		src: src, maxBytes: maxBytes, lim: lim, log: log,
		entries: map[string]*cacheEntry{},
	}
	if err := c.reset(dir); err != nil {
		return nil, fmt.Errorf("code cache: %w", err)
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// reset empties the cache's directories.
func (c *Cache) reset(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range []string{c.pkgDir, c.tmpDir} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
		if err := os.Chmod(d, 0o755); err != nil { // whatever the umask
			return err
		}
	}
	return nil
}

// Acquire returns the directory of the unpacked package with the checksum,
// fetching and unpacking it first if needed, and a release function to call
// (once; more calls do nothing) when the directory is no longer used. The
// directory and its files are readable by all users and writable by none but
// the owner; callers must not modify it.
func (c *Cache) Acquire(ctx context.Context, checksum string) (dir string, release func(), err error) {
	if err := ValidateChecksum(checksum); err != nil {
		return "", nil, err
	}
	e, err := c.ref(checksum)
	if err != nil {
		return "", nil, err
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		c.unref(e)
		return "", nil, ctx.Err()
	}
	if e.err != nil {
		c.unref(e)
		return "", nil, e.err
	}
	var once sync.Once
	return c.entryDir(checksum), func() { once.Do(func() { c.unref(e) }) }, nil
}

// ref takes a reference to the entry of checksum, starting its fill if
// there is none.
func (c *Cache) ref(checksum string) (*cacheEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	e := c.entries[checksum]
	if e == nil {
		e = &cacheEntry{checksum: checksum, done: make(chan struct{})}
		c.entries[checksum] = e
		c.fills.Go(func() { c.fill(e) })
	}
	e.refs++
	if e.elem != nil {
		c.lru.MoveToFront(e.elem)
	}
	return e, nil
}

func (c *Cache) unref(e *cacheEntry) {
	c.mu.Lock()
	e.refs--
	victims := c.evictLocked()
	c.mu.Unlock()
	c.remove(victims)
}

// Close stops the fills in progress and waits for them; Acquires waiting
// for them fail, and later ones fail with ErrClosed. Directories already
// acquired stay in place. Close is idempotent.
func (c *Cache) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.fills.Wait()
	return nil
}

func (c *Cache) entryDir(checksum string) string {
	return filepath.Join(c.pkgDir, checksum)
}
