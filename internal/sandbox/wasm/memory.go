package wasm

import (
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

const (
	pageSize = 64 << 10 // bytes of a WebAssembly page
	maxPages = 1 << 16  // pages a 32-bit linear memory can address

	// minReserve is the least capacity given to a new linear memory, so that
	// a small module's start-up growth stays in place.
	minReserve = 8 << 20
)

// budget is the linear memory the invocations of one instance may hold
// together: memorySize is the instance's, however many requests it serves
// at once, as the scheduler reserves it on the node.
type budget struct {
	limit uint64
	used  atomic.Uint64
}

// take reserves n bytes; false if that would pass the limit.
func (b *budget) take(n uint64) bool {
	for {
		used := b.used.Load()
		if used+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (b *budget) give(n uint64) { b.used.Add(-n) }

// linearMemory is the memory of one module instance, drawn from its
// Instance's budget. It is wazero's allocator for that module instance
// (Allocate returns itself), takes its buffers from a memoryPool and gives
// them back on Free.
//
// The invoker reserves the module's initial memory before instantiating
// (wazero cannot be refused that first allocation). Growing past the budget
// is refused — memory.grow returns -1 to the guest — and remembered, so that
// a guest that then fails is reported as out of memory. wazero calls
// Reallocate and Free on the goroutine that runs the guest, which is the
// invoker's; the atomics keep a late Free and release from counting twice.
type linearMemory struct {
	pool    *memoryPool
	budget  *budget
	held    atomic.Uint64 // bytes taken from the budget
	buf     []byte
	peak    atomic.Uint64 // bytes: memory never shrinks, so the last size
	refused atomic.Bool
}

// reserve takes the module's initial memory from the budget.
func (m *linearMemory) reserve(n uint64) bool {
	if !m.budget.take(n) {
		m.refused.Store(true)
		return false
	}
	m.held.Store(n)
	return true
}

// Allocate implements experimental.MemoryAllocator.
func (m *linearMemory) Allocate(_, _ uint64) experimental.LinearMemory { return m }

// Reallocate implements experimental.LinearMemory.
func (m *linearMemory) Reallocate(size uint64) []byte {
	if held := m.held.Load(); size > held {
		if !m.budget.take(size - held) {
			m.refused.Store(true)
			return nil
		}
		m.held.Store(size)
	}
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
	} else {
		b := m.pool.get(size, min(max(2*size, minReserve), max(m.budget.limit, size)))
		copy(b, m.buf)
		m.pool.put(m.buf)
		m.buf = b
	}
	m.peak.Store(size)
	return m.buf
}

// Free implements experimental.LinearMemory.
func (m *linearMemory) Free() {
	m.pool.put(m.buf)
	m.buf = nil
	m.release()
}

// release gives the held bytes back to the budget; the invoker calls it
// too, in case wazero never allocated or freed the memory.
func (m *linearMemory) release() { m.budget.give(m.held.Swap(0)) }
