package wasm

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
)

// testLimit is the /tmp of the disk tests: 16 blocks.
const testLimit = 16 * diskBlock

// testDisk is a disk over a new directory and one invocation's view of it.
type testDisk struct {
	dir string
	fs  *diskFS
}

func newTestDisk(t *testing.T, limit int64) *testDisk {
	t.Helper()
	dir := t.TempDir()
	return &testDisk{dir: dir, fs: view(dir, newDisk(limit))}
}

// view is an invocation's view of d over dir.
func view(dir string, d *disk) *diskFS {
	return &diskFS{FS: confined{sysfs.DirFS(dir)}, disk: d, refusal: &refusal{}}
}

// create opens p for writing, creating it, and closes it when the test ends.
func (d *testDisk) create(t *testing.T, p string, flag experimentalsys.Oflag) experimentalsys.File {
	t.Helper()
	f, errno := d.fs.OpenFile(p, experimentalsys.O_RDWR|experimentalsys.O_CREAT|flag, 0o600)
	if errno != 0 {
		t.Fatalf("OpenFile(%s) = %v, want success", p, errno)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// writeFile makes the file p of n bytes and closes it.
func (d *testDisk) writeFile(t *testing.T, p string, n int) {
	t.Helper()
	f := d.create(t, p, 0)
	write(t, f, n)
	f.Close()
}

// write writes n bytes to f and wants them all written.
func write(t *testing.T, f experimentalsys.File, n int) {
	t.Helper()
	if got, errno := f.Write(make([]byte, n)); got != n || errno != 0 {
		t.Fatalf("Write(%d bytes) = %d, %v; want %d, success", n, got, errno, n)
	}
}

// wantNoSpace fails unless errno is a full /tmp's refusal, noted for WASI.
func (d *testDisk) wantNoSpace(t *testing.T, what string, errno experimentalsys.Errno) {
	t.Helper()
	if errno != errNoSpace || !d.fs.refusal.pending {
		t.Fatalf("%s: errno %v, refusal noted %v; want ENOSPC, noted", what, errno, d.fs.refusal.pending)
	}
	d.fs.refusal.pending = false
}

// wantUsed fails unless the disk counts want bytes and, when recount is
// set, the directory's files and directories take just that.
func (d *testDisk) wantUsed(t *testing.T, want int64, recount bool) {
	t.Helper()
	if got := d.fs.disk.used.Load(); got != want {
		t.Errorf("used = %d blocks, want %d", got/diskBlock, want/diskBlock)
	}
	if recount {
		if got := usage(t, d.dir); got != want {
			t.Errorf("the directory holds %d blocks, want %d", got/diskBlock, want/diskBlock)
		}
	}
}

// usage counts dir as disk does, from scratch: a block for each directory
// under it and each extra name of a file, each file its size in blocks.
func usage(t *testing.T, dir string) int64 {
	t.Helper()
	var total int64
	seen := map[uint64]bool{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		switch {
		case e.IsDir():
			total += diskBlock
		case seen[st.Ino]:
		default:
			seen[st.Ino] = true
			total += blocks(fi.Size()) + int64(st.Nlink-1)*diskBlock
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// TestDiskWrites checks writes up to the limit and past it.
func TestDiskWrites(t *testing.T) {
	t.Run("up to the limit", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		f := d.create(t, "f", 0)
		write(t, f, testLimit)
		d.wantUsed(t, testLimit, true)
		n, errno := f.Write([]byte{1})
		d.wantNoSpace(t, fmt.Sprintf("one byte more: wrote %d", n), errno)
		_, errno = d.fs.OpenFile("g", experimentalsys.O_RDWR|experimentalsys.O_CREAT, 0o600)
		d.wantNoSpace(t, "creating a file", errno)
		d.wantNoSpace(t, "making a directory", d.fs.Mkdir("dir", 0o700))
		if errno := d.fs.Mkdir("f", 0o700); errno != experimentalsys.EEXIST {
			t.Errorf("Mkdir of an existing name when full = %v, want EEXIST", errno)
		}
		d.wantUsed(t, testLimit, true)
	})
	t.Run("what fits of a bigger write", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		f := d.create(t, "f", 0)
		if n, errno := f.Write(make([]byte, testLimit+100)); n != testLimit || errno != 0 {
			t.Errorf("Write(limit + 100 bytes) = %d, %v; want %d, success", n, errno, testLimit)
		}
		_, errno := f.Write([]byte{1})
		d.wantNoSpace(t, "the next write", errno)
	})
	t.Run("files take whole blocks", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		for i := range testLimit / diskBlock {
			d.writeFile(t, fmt.Sprint(i), 1)
		}
		d.wantUsed(t, testLimit, true)
		_, errno := d.fs.OpenFile("one-more", experimentalsys.O_RDWR|experimentalsys.O_CREAT, 0o600)
		d.wantNoSpace(t, "a file past the limit", errno)
	})
	t.Run("overwriting takes nothing", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		f := d.create(t, "f", 0)
		write(t, f, testLimit)
		if n, errno := f.Pwrite(make([]byte, diskBlock), 0); n != diskBlock || errno != 0 {
			t.Errorf("Pwrite over the start = %d, %v; want %d, success", n, errno, diskBlock)
		}
		d.wantUsed(t, testLimit, true)
	})
	t.Run("append", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		d.writeFile(t, "f", testLimit/2)
		f := d.create(t, "f", experimentalsys.O_APPEND)
		write(t, f, testLimit/2)
		_, errno := f.Write([]byte{1})
		d.wantNoSpace(t, "appending past the limit", errno)
		d.wantUsed(t, testLimit, true)
	})
}

// TestDiskGrowthPastEOF checks that Pwrite and Truncate beyond the end of a
// file are charged for the hole too.
func TestDiskGrowthPastEOF(t *testing.T) {
	d := newTestDisk(t, testLimit)
	f := d.create(t, "f", 0)
	if n, errno := f.Pwrite([]byte{1}, testLimit-1); n != 1 || errno != 0 {
		t.Fatalf("Pwrite at limit-1 = %d, %v; want 1, success", n, errno)
	}
	d.wantUsed(t, testLimit, true)
	_, errno := f.Pwrite([]byte{1}, testLimit)
	d.wantNoSpace(t, "Pwrite at the limit", errno)
	_, errno = f.Pwrite([]byte{1}, 1<<62)
	d.wantNoSpace(t, "Pwrite far away", errno)
	if errno := f.Truncate(diskBlock); errno != 0 {
		t.Fatalf("Truncate down = %v", errno)
	}
	d.wantUsed(t, diskBlock, true)
	d.wantNoSpace(t, "Truncate past the limit", f.Truncate(testLimit+1))
	if errno := f.Truncate(testLimit); errno != 0 {
		t.Fatalf("Truncate to the limit = %v", errno)
	}
	d.wantUsed(t, testLimit, true)
	if _, errno := d.fs.OpenFile("f", experimentalsys.O_RDWR|experimentalsys.O_TRUNC, 0); errno != 0 {
		t.Fatalf("OpenFile(O_TRUNC) = %v", errno)
	}
	d.wantUsed(t, diskBlock, true)
}

// TestDiskFrees checks that space comes back when a file's last name goes
// and nothing has it open, and only then.
func TestDiskFrees(t *testing.T) {
	t.Run("unlink", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		f := d.create(t, "f", 0)
		write(t, f, testLimit)
		f.Close()
		if errno := d.fs.Unlink("f"); errno != 0 {
			t.Fatal(errno)
		}
		d.wantUsed(t, 0, true)
		write(t, d.create(t, "g", 0), testLimit)
	})
	t.Run("unlinked but open", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		f := d.create(t, "f", 0)
		write(t, f, testLimit)
		reader, errno := d.fs.OpenFile("f", experimentalsys.O_RDONLY, 0)
		if errno != 0 {
			t.Fatal(errno)
		}
		f.Close()
		d.fs.Unlink("f")
		d.wantUsed(t, testLimit, false) // the host keeps the data for reader
		_, errno = d.fs.OpenFile("g", experimentalsys.O_RDWR|experimentalsys.O_CREAT, 0o600)
		d.wantNoSpace(t, "creating while an unlinked file is open", errno)
		reader.Close()
		d.wantUsed(t, 0, true)
	})
	t.Run("hard links", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		d.writeFile(t, "f", testLimit/2)
		if errno := d.fs.Link("f", "g"); errno != 0 {
			t.Fatal(errno)
		}
		d.wantUsed(t, testLimit/2+diskBlock, true)
		d.fs.Unlink("f")
		d.wantUsed(t, testLimit/2, true)
		// The data is still there, under g: half the limit is all that is left.
		h := d.create(t, "h", 0)
		_, errno := h.Write(make([]byte, testLimit/2+1))
		h.Close()
		if got := d.fs.disk.used.Load(); errno != 0 || got != testLimit {
			t.Errorf("writing half the limit and a byte: errno %v, used %d blocks; want success, %d blocks", errno, got/diskBlock, testLimit/diskBlock)
		}
		d.fs.Unlink("h")
		d.fs.Unlink("g")
		d.wantUsed(t, 0, true)
	})
	t.Run("rename over", func(t *testing.T) {
		d := newTestDisk(t, testLimit)
		d.writeFile(t, "a", 4*diskBlock)
		d.writeFile(t, "b", 4*diskBlock)
		d.fs.Link("a", "c")
		d.wantUsed(t, 9*diskBlock, true)
		if errno := d.fs.Rename("a", "c"); errno != 0 { // the same file: nothing happens
			t.Fatal(errno)
		}
		d.wantUsed(t, 9*diskBlock, true)
		if errno := d.fs.Rename("a", "b"); errno != 0 {
			t.Fatal(errno)
		}
		d.wantUsed(t, 5*diskBlock, true)
		d.fs.Mkdir("d1", 0o700)
		d.fs.Mkdir("d2", 0o700)
		if errno := d.fs.Rename("d1", "d2"); errno != 0 {
			t.Fatal(errno)
		}
		d.wantUsed(t, 6*diskBlock, true)
		d.fs.Rmdir("d2")
		d.wantUsed(t, 5*diskBlock, true)
	})
}

// TestDiskConcurrentWriters hammers one disk from invocations writing their
// own files and a shared one: the count never passes the limit and ends
// equal to what the directory holds.
func TestDiskConcurrentWriters(t *testing.T) {
	const limit, writers = 1024 * diskBlock, 8
	dir := t.TempDir()
	d := newDisk(limit)
	files := make([][2]experimentalsys.File, writers) // a writer's own and the shared one
	for w := range files {
		fs := view(dir, d)
		for i, name := range []string{fmt.Sprint(w), "shared"} {
			f, errno := fs.OpenFile(name, experimentalsys.O_RDWR|experimentalsys.O_CREAT|experimentalsys.O_APPEND, 0o600)
			if errno != 0 {
				t.Fatalf("writer %d: open %s = %v", w, name, errno)
			}
			files[w][i] = f
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	over := make(chan int64, 1)
	for w, own := range files {
		wg.Go(func() {
			defer own[0].Close()
			defer own[1].Close()
			<-start
			for i := 0; ; i++ {
				_, errno := own[min(i%3, 1)].Write(make([]byte, 1000+w*100))
				if used := d.used.Load(); used > limit {
					select {
					case over <- used:
					default:
					}
				}
				if errno != 0 {
					if errno != errNoSpace {
						t.Errorf("writer %d: errno %v, want ENOSPC", w, errno)
					}
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(over)
	for used := range over {
		t.Errorf("used %d bytes, past the limit %d", used, limit)
	}
	// A writer stops when not a byte fits, so the others fill up to the limit.
	if got, want := d.used.Load(), usage(t, dir); got != want || got != limit {
		t.Errorf("used = %d, the directory holds %d; want both at the limit %d", got, want, limit)
	}
}

// TestDiskSize runs a guest that fills its /tmp: it stops at diskSize with
// ENOSPC, the next invocation finds it full, and removing the file frees it.
func TestDiskSize(t *testing.T) {
	t.Parallel()
	_, guest := guestDirs(t)
	spec := testSpec(guest)
	spec.DiskMB = 4
	inst := start(t, sharedEngine(t), spec)
	steps := []struct{ event, want string }{
		{"fill 8", fmt.Sprintf("ENOSPC %d", 4<<20)},
		{"fill 1", "ENOSPC 0"},
		{"rm fill", "removed"},
		{"fill 3", fmt.Sprintf("ok %d", 3<<20)},
	}
	for _, s := range steps {
		res, _ := invoke(t, inst, s.event)
		wantOK(t, res, s.want)
	}
	if left := usage(t, inst.dir); left != inst.disk.used.Load() {
		t.Errorf("the instance's /tmp holds %d bytes, its count says %d", left, inst.disk.used.Load())
	}
}
