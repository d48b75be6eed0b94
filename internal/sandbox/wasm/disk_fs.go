package wasm

import (
	"io/fs"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/sys"
)

// diskFS is an invocation's view of its instance's /tmp: the directory,
// confined, and the instance's disk, whose count it keeps. The operations
// on names take disk.mu, so that what they look up before acting is still
// true after: only the guest changes the directory, and only through disk.
type diskFS struct {
	experimentalsys.FS
	disk    *disk
	refusal *refusal // the invocation's
}

// OpenFile opens p; a regular file comes back wrapped, so that its writes
// are counted. Creating a file takes a block; O_TRUNC gives space back.
func (d *diskFS) OpenFile(p string, flag experimentalsys.Oflag, perm fs.FileMode) (experimentalsys.File, experimentalsys.Errno) {
	d.disk.mu.Lock()
	defer d.disk.mu.Unlock()
	var reserved int64       // the block of the file it creates
	var truncFrom int64 = -1 // the size of the file O_TRUNC may shrink
	if flag&(experimentalsys.O_CREAT|experimentalsys.O_TRUNC) != 0 {
		st, errno := d.FS.Lstat(p)
		switch {
		case errno == experimentalsys.ENOENT && flag&experimentalsys.O_CREAT != 0:
			if !d.disk.reserve(diskBlock) {
				return nil, d.refusal.noSpace()
			}
			reserved = diskBlock
		case errno == 0 && st.Mode.IsRegular() && flag&experimentalsys.O_TRUNC != 0:
			truncFrom = st.Size
			if n := d.disk.files[st.Ino]; n != nil { // open: no write may run meanwhile
				n.mu.Lock()
				defer n.mu.Unlock()
				truncFrom = n.size
			}
		}
	}
	f, errno := d.FS.OpenFile(p, flag, perm)
	if errno != 0 {
		d.disk.free(reserved)
		return nil, errno
	}
	st, errno := f.Stat()
	if errno != 0 {
		d.disk.free(reserved)
		f.Close()
		return nil, errno
	}
	if !st.Mode.IsRegular() {
		d.disk.free(reserved)
		return f, 0
	}
	return d.opened(f, st, truncFrom), 0
}

// opened counts a handle of the regular file st. A file it created is
// charged already (reserved); one O_TRUNC shrank gives the difference back.
func (d *diskFS) opened(f experimentalsys.File, st sys.Stat_t, truncFrom int64) *diskFile {
	n := d.disk.files[st.Ino]
	if n == nil {
		n = &node{size: st.Size}
		d.disk.files[st.Ino] = n
	}
	if truncFrom >= 0 {
		d.disk.free(blocks(truncFrom) - blocks(st.Size))
		n.size = st.Size
	}
	n.opens++
	return &diskFile{File: f, fs: d, ino: st.Ino, node: n}
}

// Mkdir takes a block for the directory.
func (d *diskFS) Mkdir(p string, perm fs.FileMode) experimentalsys.Errno {
	return d.withBlock(p, func() experimentalsys.Errno { return d.FS.Mkdir(p, perm) })
}

// Rmdir gives the directory's block back.
func (d *diskFS) Rmdir(p string) experimentalsys.Errno {
	d.disk.mu.Lock()
	defer d.disk.mu.Unlock()
	errno := d.FS.Rmdir(p)
	if errno == 0 {
		d.disk.free(diskBlock)
	}
	return errno
}

// Link takes a block for the new name.
func (d *diskFS) Link(oldPath, newPath string) experimentalsys.Errno {
	return d.withBlock(newPath, func() experimentalsys.Errno { return d.FS.Link(oldPath, newPath) })
}

// withBlock runs create, which makes the entry p, with a block reserved for
// it under the disk's lock; the block goes back if create fails.
func (d *diskFS) withBlock(p string, create func() experimentalsys.Errno) experimentalsys.Errno {
	d.disk.mu.Lock()
	defer d.disk.mu.Unlock()
	if !d.disk.reserve(diskBlock) {
		return d.full(p)
	}
	errno := create()
	if errno != 0 {
		d.disk.free(diskBlock)
	}
	return errno
}

// Unlink drops a name; the file's space comes back with its last name once
// nothing has it open.
func (d *diskFS) Unlink(p string) experimentalsys.Errno {
	d.disk.mu.Lock()
	defer d.disk.mu.Unlock()
	st, lerr := d.FS.Lstat(p)
	errno := d.FS.Unlink(p)
	if errno == 0 && lerr == 0 && st.Mode.IsRegular() {
		d.disk.dropName(st)
	}
	return errno
}

// Rename drops the name it replaces, if any. Renaming a file onto another
// name of itself does nothing.
func (d *diskFS) Rename(from, to string) experimentalsys.Errno {
	d.disk.mu.Lock()
	defer d.disk.mu.Unlock()
	src, serr := d.FS.Lstat(from)
	dst, derr := d.FS.Lstat(to)
	errno := d.FS.Rename(from, to)
	if errno != 0 || derr != 0 || serr == 0 && src.Ino == dst.Ino {
		return errno
	}
	switch {
	case dst.Mode.IsDir():
		d.disk.free(diskBlock)
	case dst.Mode.IsRegular():
		d.disk.dropName(dst)
	}
	return 0
}

// full is the error of making p when there is no room: EEXIST when p
// exists, as the system would say first, else ENOSPC.
func (d *diskFS) full(p string) experimentalsys.Errno {
	if _, errno := d.FS.Lstat(p); errno == 0 {
		return experimentalsys.EEXIST
	}
	return d.refusal.noSpace()
}
