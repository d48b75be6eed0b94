package wasm

import (
	"io"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/sys"
)

var _ experimentalsys.PollableFile = (*diskFile)(nil)

// diskFile is an open regular file of a disk: what would make the file
// bigger is charged first. Reads and everything else pass through.
type diskFile struct {
	experimentalsys.File
	fs     *diskFS
	ino    sys.Inode
	node   *node
	closed bool // guarded by fs.disk.mu
}

// Write writes at the file's offset, or at its end in append mode.
func (f *diskFile) Write(buf []byte) (int, experimentalsys.Errno) {
	if len(buf) == 0 {
		return f.File.Write(buf)
	}
	f.node.mu.Lock()
	defer f.node.mu.Unlock()
	off := f.node.size
	if !f.File.IsAppend() {
		var errno experimentalsys.Errno
		if off, errno = f.File.Seek(0, io.SeekCurrent); errno != 0 {
			return 0, errno
		}
	}
	return f.write(buf, off, f.File.Write)
}

func (f *diskFile) Pwrite(buf []byte, off int64) (int, experimentalsys.Errno) {
	if len(buf) == 0 || off < 0 {
		return f.File.Pwrite(buf, off)
	}
	f.node.mu.Lock()
	defer f.node.mu.Unlock()
	return f.write(buf, off, func(b []byte) (int, experimentalsys.Errno) { return f.File.Pwrite(b, off) })
}

// write writes what fits of buf at off with do, ENOSPC when nothing does;
// f.node.mu is held.
func (f *diskFile) write(buf []byte, off int64, do func([]byte) (int, experimentalsys.Errno)) (int, experimentalsys.Errno) {
	n := f.node
	if off >= f.fs.disk.limit { // would grow the file past the limit
		return 0, f.fs.refusal.noSpace()
	}
	reach := f.fs.disk.grow(n.size, off+int64(len(buf)))
	written, errno := 0, experimentalsys.Errno(0)
	if reach > off {
		written, errno = do(buf[:reach-off])
	} else {
		errno = f.fs.refusal.noSpace()
	}
	size := n.size
	if written > 0 {
		size = max(size, off+int64(written))
	}
	f.fs.disk.free(blocks(max(n.size, reach)) - blocks(size))
	n.size = size
	return written, errno
}

// Truncate charges a file that grows, all or nothing, and gives back what
// a file that shrinks took.
func (f *diskFile) Truncate(size int64) experimentalsys.Errno {
	if size < 0 {
		return f.File.Truncate(size)
	}
	n := f.node
	n.mu.Lock()
	defer n.mu.Unlock()
	if size > f.fs.disk.limit {
		return f.fs.refusal.noSpace()
	}
	grow := blocks(size) - blocks(n.size)
	if grow > 0 && !f.fs.disk.reserve(grow) {
		return f.fs.refusal.noSpace()
	}
	if errno := f.File.Truncate(size); errno != 0 {
		f.fs.disk.free(max(grow, 0))
		return errno
	}
	if grow < 0 {
		f.fs.disk.free(-grow)
	}
	n.size = size
	return 0
}

// Close lets the file's space go if it has no name left. It closes under
// the disk's lock: the last close of an unlinked file frees its inode, and
// a file another invocation created in between could get the same inode
// number and inherit this one's entry.
func (f *diskFile) Close() experimentalsys.Errno {
	f.fs.disk.mu.Lock()
	defer f.fs.disk.mu.Unlock()
	errno := f.File.Close()
	if !f.closed {
		f.closed = true
		f.fs.disk.closed(f.ino, f.node)
	}
	return errno
}

// Poll, IsNonblock and SetNonblock forward to the file, as wazero's own
// wrappers do: wazero looks for them on the handle it holds.
func (f *diskFile) Poll(flag experimentalsys.Pflag, timeoutMillis int32) (bool, experimentalsys.Errno) {
	if p, ok := f.File.(experimentalsys.Pollable); ok {
		return p.Poll(flag, timeoutMillis)
	}
	return false, experimentalsys.ENOSYS
}

func (f *diskFile) IsNonblock() bool {
	p, ok := f.File.(experimentalsys.PollableFile)
	return ok && p.IsNonblock()
}

func (f *diskFile) SetNonblock(enable bool) experimentalsys.Errno {
	if p, ok := f.File.(experimentalsys.PollableFile); ok {
		return p.SetNonblock(enable)
	}
	return experimentalsys.ENOSYS
}
