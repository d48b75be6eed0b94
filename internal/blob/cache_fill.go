package blob

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// fill loads e's package and publishes the outcome; it runs on its own
// goroutine, one per entry, owned by c.fills.
func (c *Cache) fill(e *cacheEntry) {
	start := time.Now()
	size, err := c.load(c.ctx, e.checksum)
	c.mu.Lock()
	e.err, e.size = err, size
	if err != nil {
		delete(c.entries, e.checksum)
	} else {
		e.elem = c.lru.PushFront(e)
		c.size += size
	}
	victims := c.evictLocked()
	c.mu.Unlock()
	close(e.done)
	if err != nil {
		c.log.Warn("code package not loaded", "checksum", e.checksum, "err", err)
	} else {
		c.log.Info("code package unpacked", "checksum", e.checksum, "bytes", size, "duration", time.Since(start))
	}
	c.remove(victims)
}

// load fetches, verifies and unpacks a package into its entry directory and
// returns its unpacked bytes.
func (c *Cache) load(ctx context.Context, checksum string) (int64, error) {
	zf, n, err := c.download(ctx, checksum)
	if err != nil {
		return 0, err // the Store's errors name the checksum
	}
	defer zf.Close()
	staging, err := os.MkdirTemp(c.tmpDir, checksum+"-")
	if err != nil {
		return 0, fmt.Errorf("code package %s: %w", checksum, err)
	}
	info, err := unpack(ctx, zf, n, staging, c.lim)
	if err == nil {
		err = c.publish(staging, checksum)
	}
	if err != nil {
		os.RemoveAll(staging)
		return 0, fmt.Errorf("code package %s: %w", checksum, err)
	}
	return info.UnpackedBytes, nil
}

// download copies the package into an unlinked temporary file, checking its
// checksum on the way, and returns the file and its size.
func (c *Cache) download(ctx context.Context, checksum string) (*os.File, int64, error) {
	rc, err := c.src.Open(ctx, checksum)
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	f, err := os.CreateTemp(c.tmpDir, checksum+"-*.zip")
	if err != nil {
		return nil, 0, fmt.Errorf("code package %s: %w", checksum, err)
	}
	os.Remove(f.Name()) // the open file lives on; a crash leaves nothing
	h := newHash()
	n, err := io.Copy(io.MultiWriter(f, h), rc)
	if err == nil && formatChecksum(h.Sum64()) != checksum {
		err = fmt.Errorf("%w: fetched bytes have checksum %s", ErrChecksumMismatch, formatChecksum(h.Sum64()))
	}
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("code package %s: %w", checksum, err)
	}
	return f, n, nil
}

// publish moves a complete unpacked tree to its entry directory.
func (c *Cache) publish(staging, checksum string) error {
	if err := os.Chmod(staging, 0o755); err != nil { // MkdirTemp made it 0700
		return err
	}
	return os.Rename(staging, c.entryDir(checksum))
}
