package wasm

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
)

// moduleKey names one module file as it is now. Code directories are
// unpacked once per code checksum and never change, so path, size and
// modification time identify the content without reading it; a file that
// is replaced gets a new key.
type moduleKey struct {
	path  string
	size  int64
	mtime int64
}

func keyOf(path string) (moduleKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return moduleKey{}, fmt.Errorf("module file: %w", pathless(err))
	}
	if !fi.Mode().IsRegular() {
		return moduleKey{}, errors.New("module file is not a regular file")
	}
	return moduleKey{path: path, size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
}

// module is a compiled module shared by the instances of its file.
type module struct {
	key      moduleKey
	ready    chan struct{} // closed once compiled or err is set
	compiled wazero.CompiledModule
	minPages uint32 // the memory the module declares at start
	err      error

	refs int           // instances using it; guarded by moduleCache.mu
	idle *list.Element // in moduleCache.idle while refs == 0
}

// moduleCache compiles each module file once and shares the result. A
// module stays while instances hold it and, after that, in a bounded list of
// idle modules, least recently used evicted first. Concurrent Starts of one
// file wait for a single compilation. Failures are not kept: the next
// acquire tries again.
type moduleCache struct {
	compile  compileFunc
	maxIdle  int
	compiles atomic.Int64 // compilations attempted (for tests and metrics)

	mu      sync.Mutex
	entries map[moduleKey]*module
	idle    *list.List // of *module, most recently released first
	closed  bool
}

// compileFunc compiles the module file at path and returns it with the
// number of memory pages it declares.
type compileFunc func(path string) (wazero.CompiledModule, uint32, error)

func newModuleCache(maxIdle int, compile compileFunc) *moduleCache {
	return &moduleCache{compile: compile, maxIdle: maxIdle,
		entries: map[moduleKey]*module{}, idle: list.New()}
}

// acquire returns the compiled module at path, compiling it if needed. The
// caller releases it.
func (c *moduleCache) acquire(ctx context.Context, path string) (*module, error) {
	key, err := keyOf(path)
	if err != nil {
		return nil, err
	}
	m, fresh := c.lookup(key)
	if fresh {
		c.fill(m)
	}
	select {
	case <-m.ready:
	case <-ctx.Done():
		c.release(m)
		return nil, ctx.Err()
	}
	if m.err != nil {
		c.release(m)
		return nil, m.err
	}
	return m, nil
}

// lookup takes a reference to key's entry, making it if there is none
// (fresh: the caller compiles it).
func (c *moduleCache) lookup(key moduleKey) (m *module, fresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m = c.entries[key]; m != nil {
		if m.idle != nil {
			c.idle.Remove(m.idle)
			m.idle = nil
		}
		m.refs++
		return m, false
	}
	m = &module{key: key, ready: make(chan struct{}), refs: 1}
	c.entries[key] = m
	return m, true
}

// fill compiles m; on failure m leaves the cache.
func (c *moduleCache) fill(m *module) {
	c.compiles.Add(1)
	compiled, minPages, err := c.compile(m.key.path)
	c.mu.Lock()
	if err != nil {
		m.err = err
		delete(c.entries, m.key)
	} else {
		m.compiled, m.minPages = compiled, minPages
	}
	c.mu.Unlock()
	close(m.ready)
}

// release drops a reference; an unused module joins the idle list, and
// idle modules beyond the bound are closed.
func (c *moduleCache) release(m *module) {
	c.mu.Lock()
	m.refs--
	if m.refs > 0 || m.err != nil || c.closed {
		c.mu.Unlock()
		return
	}
	m.idle = c.idle.PushFront(m)
	var evicted []*module
	for c.idle.Len() > c.maxIdle {
		old := c.idle.Remove(c.idle.Back()).(*module)
		old.idle = nil
		delete(c.entries, old.key)
		evicted = append(evicted, old)
	}
	c.mu.Unlock()
	for _, old := range evicted {
		old.compiled.Close(context.Background())
	}
}

// close closes every compiled module; the cache must not be used after.
func (c *moduleCache) close(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for key, m := range c.entries {
		select {
		case <-m.ready:
			if m.err == nil {
				m.compiled.Close(ctx)
			}
		default: // still compiling: the runtime's Close releases it
		}
		delete(c.entries, key)
	}
	c.idle.Init()
}

// pathless drops the host path from a file error: messages reach users.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
