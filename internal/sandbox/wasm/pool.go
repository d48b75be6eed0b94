package wasm

import "sync"

// memoryPool keeps zeroed buffers for linear memories. Fresh memory costs a
// page fault per 4 KiB on first touch (expensive in a VM), and Go's zeroing
// of a large new slice is on the invocation's path; a pooled buffer was
// zeroed off that path, by run, while it was already resident.
//
// Invariant: every buffer in free is zero from 0 to its capacity. A buffer
// handed back is dirty only below its length, because a guest never sees
// past len.
type memoryPool struct {
	max int64 // bytes of capacity held, in free and waiting in dirty

	mu    sync.Mutex
	free  [][]byte // zeroed, length 0
	bytes int64

	dirty chan []byte
	quit  chan struct{}
	done  chan struct{}
}

func newMemoryPool(max int64) *memoryPool {
	return &memoryPool{max: max, dirty: make(chan []byte, 64),
		quit: make(chan struct{}), done: make(chan struct{})}
}

// linear returns a new linear memory drawing from b.
func (p *memoryPool) linear(b *budget) *linearMemory {
	return &linearMemory{pool: p, budget: b}
}

// get returns a zeroed buffer of length size: the smallest pooled one that
// fits, else a new one of capacity reserve.
func (p *memoryPool) get(size, reserve uint64) []byte {
	p.mu.Lock()
	best := -1
	for i, b := range p.free {
		if uint64(cap(b)) >= size && (best < 0 || cap(b) < cap(p.free[best])) {
			best = i
		}
	}
	if best >= 0 {
		b := p.free[best]
		p.free[best] = p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		p.bytes -= int64(cap(b))
		p.mu.Unlock()
		return b[:size]
	}
	p.mu.Unlock()
	return make([]byte, size, reserve)
}

// put hands a used buffer to run for zeroing, or drops it when the pool is
// full. It never blocks.
func (p *memoryPool) put(b []byte) {
	c := int64(cap(b))
	if c == 0 || c > p.max/4 {
		return
	}
	p.mu.Lock()
	keep := p.bytes+c <= p.max
	if keep {
		p.bytes += c
	}
	p.mu.Unlock()
	if !keep {
		return
	}
	select {
	case p.dirty <- b:
	default:
		p.mu.Lock()
		p.bytes -= c
		p.mu.Unlock()
	}
}

// run zeroes returned buffers and makes them available, until close.
func (p *memoryPool) run() {
	defer close(p.done)
	for {
		select {
		case b := <-p.dirty:
			clear(b)
			p.mu.Lock()
			p.free = append(p.free, b[:0])
			p.mu.Unlock()
		case <-p.quit:
			return
		}
	}
}

// close stops run and drops the pooled buffers.
func (p *memoryPool) close() {
	close(p.quit)
	<-p.done
	p.mu.Lock()
	p.free, p.bytes = nil, 0
	p.mu.Unlock()
}
