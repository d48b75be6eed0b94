package wasm

import (
	"bytes"
	"testing"
	"time"
)

// TestLinearMemory checks growth within the limit, refusal beyond it, and
// that the contents survive a move to a larger buffer.
func TestLinearMemory(t *testing.T) {
	pool := newMemoryPool(64 << 20)
	go pool.run()
	defer pool.close()
	shared := &budget{limit: 20 << 20}
	m := pool.linear(shared)
	if !m.reserve(pageSize) {
		t.Fatalf("reserve(one page) = false, want true")
	}
	b := m.Allocate(pageSize, 0).Reallocate(pageSize)
	if len(b) != pageSize {
		t.Fatalf("first Reallocate: len %d, want %d", len(b), pageSize)
	}
	copy(b, "contents")
	b = m.Reallocate(16 << 20) // past the initial reserve: a new buffer
	if len(b) != 16<<20 || !bytes.HasPrefix(b, []byte("contents")) || b[len(b)-1] != 0 {
		t.Fatalf("after growing to 16 MiB: len %d, prefix %q; want the old contents and zeros", len(b), b[:8])
	}
	if got := m.Reallocate(21 << 20); got != nil || !m.refused.Load() {
		t.Fatalf("Reallocate past the limit = len %d, refused %v; want nil, true", len(got), m.refused.Load())
	}
	if got := m.peak.Load(); got != 16<<20 {
		t.Errorf("peak = %d, want %d", got, 16<<20)
	}
	other := pool.linear(shared)
	if other.reserve(5<<20) || !other.reserve(4<<20) {
		t.Errorf("a second memory could reserve 5 MiB, or not 4 MiB, of the 4 MiB left; want only 4")
	}
	m.Free()
	m.release() // the invoker's, after wazero's Free: must not count twice
	other.release()
	if got := shared.used.Load(); got != 0 {
		t.Errorf("budget used after both memories are released = %d, want 0", got)
	}
}

// TestMemoryPoolReuse checks that a returned buffer comes back zeroed.
func TestMemoryPoolReuse(t *testing.T) {
	pool := newMemoryPool(64 << 20)
	go pool.run()
	defer pool.close()
	b := pool.get(pageSize, 2*pageSize)
	for i := range b {
		b[i] = 0xff
	}
	pool.put(b)
	end := time.Now().Add(deadline)
	for {
		pool.mu.Lock()
		n := len(pool.free)
		pool.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the returned buffer never became free")
		}
		time.Sleep(time.Millisecond)
	}
	again := pool.get(2*pageSize, 0)
	if &again[0] != &b[0] {
		t.Fatalf("get after put returned a new buffer, want the pooled one")
	}
	if i := bytes.IndexByte(again, 0xff); i >= 0 {
		t.Errorf("pooled buffer has a dirty byte at %d, want all zero", i)
	}
}

// TestMemoryPoolBound checks that the pool keeps no more than its bound.
func TestMemoryPoolBound(t *testing.T) {
	pool := newMemoryPool(4 * pageSize)
	for range 6 {
		pool.put(make([]byte, pageSize))
	}
	if pool.bytes != 4*pageSize {
		t.Errorf("pool holds %d bytes after six puts of one page, want %d (the bound)", pool.bytes, 4*pageSize)
	}
}
