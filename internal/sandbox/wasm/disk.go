package wasm

import (
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero/sys"
)

// diskBlock is the unit /tmp's usage is counted in, a page of a tmpfs.
const diskBlock = 4 << 10

// disk is the count of what an instance's /tmp holds, bounded to its
// diskSize as a tmpfs of that size would be: whatever would take more fails
// with ENOSPC (a write writes what fits first), and space comes back when a
// file loses its last name and nothing has it open. It is counted in blocks
// by the operations themselves (diskFS, diskFile), never by reading the
// directory tree:
//   - a file takes its size rounded up to blocks, holes included, and at
//     least one block, so that empty files are not free;
//   - a directory takes a block, and so does every hard link beyond a
//     file's first name.
//
// The scratch directory starts empty and only the guest writes in it,
// through the instance's disk, so the count is exact: a file nobody has
// open takes what its size on the host says. The instance's invocations
// share one disk. Lock order: mu, then a node's mu. Writes take only their
// file's node and the atomic count.
type disk struct {
	limit int64 // bytes, whole blocks
	used  atomic.Int64

	mu    sync.Mutex
	files map[sys.Inode]*node // regular files that are open
}

// node is the accounting of an open regular file.
type node struct {
	opens    int  // open handles; guarded by disk.mu
	unlinked bool // no name left; guarded by disk.mu

	mu   sync.Mutex
	size int64 // the file's size, as charged
}

func newDisk(limit int64) *disk {
	return &disk{limit: limit / diskBlock * diskBlock, files: map[sys.Inode]*node{}}
}

// blocks is the space a file of size bytes takes; size is at most the limit.
func blocks(size int64) int64 {
	return max(diskBlock, (size+diskBlock-1)/diskBlock*diskBlock)
}

// reserve takes n bytes, or reports that they do not fit.
func (d *disk) reserve(n int64) bool {
	for {
		used := d.used.Load()
		if used+n > d.limit {
			return false
		}
		if d.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

func (d *disk) free(n int64) { d.used.Add(-n) }

// grow takes the space for a file of size bytes to reach want bytes, or as
// far as fits, and returns the size it may reach: want when it does not
// grow, size when nothing fits.
func (d *disk) grow(size, want int64) int64 {
	if want <= size {
		return want
	}
	want = min(want, d.limit)
	for {
		used := d.used.Load()
		reach := min(want, blocks(size)+d.limit-used)
		if reach <= size {
			return size
		}
		if d.used.CompareAndSwap(used, used+blocks(reach)-blocks(size)) {
			return reach
		}
	}
}

// dropName accounts for a name of the regular file st that is gone: an
// extra name's block comes back, and with the last name the file's space,
// at once or when its last handle closes; d.mu is held.
func (d *disk) dropName(st sys.Stat_t) {
	switch n := d.files[st.Ino]; {
	case st.Nlink > 1:
		d.free(diskBlock)
	case n != nil:
		n.unlinked = true
	default:
		d.free(blocks(st.Size))
	}
}

// closed accounts for a closed handle of n; d.mu is held.
func (d *disk) closed(ino sys.Inode, n *node) {
	if n.opens--; n.opens > 0 {
		return
	}
	delete(d.files, ino)
	if n.unlinked {
		n.mu.Lock()
		d.free(blocks(n.size))
		n.mu.Unlock()
	}
}
