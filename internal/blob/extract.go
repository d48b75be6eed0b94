package blob

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
)

// sink receives a package's entries, each already checked, in archive order.
// Inspect discards them; Unpack writes them under its directory.
type sink interface {
	mkdir(e entry) error
	create(e entry) (io.WriteCloser, error)
	symlink(e entry, target string) error
}

// extract checks the archive r of size bytes and feeds its entries to s,
// decompressing every file and counting the bytes it actually gets.
func extract(ctx context.Context, r io.ReaderAt, size int64, lim Limits, s sink) (Info, error) {
	lim, err := lim.withDefaults()
	if err != nil {
		return Info{}, err
	}
	entries, err := openZip(r, size, lim)
	if err != nil {
		return Info{}, err
	}
	x := extraction{sink: s, left: lim.MaxUnpacked, limit: lim.MaxUnpacked}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return Info{}, err
		}
		if err := x.entry(e); err != nil {
			return Info{}, err
		}
	}
	return x.info, nil
}

type extraction struct {
	sink  sink
	info  Info
	left  int64 // bytes that files may still unpack to
	limit int64 // MaxUnpacked, for messages
}

func (x *extraction) entry(e entry) error {
	switch e.kind {
	case kindDir:
		x.info.Dirs++
		return x.sink.mkdir(e)
	case kindSymlink:
		x.info.Symlinks++
		return x.symlink(e)
	default:
		x.info.Files++
		return x.file(e)
	}
}

func (x *extraction) symlink(e entry) error {
	rc, err := openData(e)
	if err != nil {
		return err
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxPathLen+1))
	if err != nil {
		return entryErr(e.f.Name, fmt.Errorf("corrupt data: %v", err))
	}
	if len(raw) > maxPathLen {
		return entryErr(e.f.Name, fmt.Errorf("symbolic link target longer than %d bytes", maxPathLen))
	}
	target, err := cleanLinkTarget(e.name, string(raw))
	if err != nil {
		return entryErr(e.f.Name, err)
	}
	return x.sink.symlink(e, target)
}

func (x *extraction) file(e entry) error {
	w, err := x.sink.create(e)
	if err != nil {
		return err
	}
	err = x.copy(w, e)
	return errors.Join(err, w.Close())
}

// copy decompresses e into w. It trusts no header: it stops at one byte more
// than the entry declares or than the package may still unpack to.
func (x *extraction) copy(w io.Writer, e entry) error {
	rc, err := openData(e)
	if err != nil {
		return err
	}
	defer rc.Close()
	declared := int64(e.f.UncompressedSize64) // ≤ MaxUnpacked, checked by openZip
	limit := min(declared, x.left)
	if limit < math.MaxInt64 {
		limit++
	}
	cw := &checkedWriter{w: w}
	n, err := io.Copy(cw, io.LimitReader(rc, limit))
	switch {
	case cw.err != nil:
		return cw.err
	case errors.Is(err, zip.ErrFormat): // the zip reader's own size check
		return entryErr(e.f.Name, fmt.Errorf("more data than the declared %d bytes", declared))
	case err != nil:
		return entryErr(e.f.Name, fmt.Errorf("corrupt data: %v", err))
	case n > declared:
		return entryErr(e.f.Name, fmt.Errorf("more data than the declared %d bytes", declared))
	case n > x.left:
		return entryErr(e.f.Name, fmt.Errorf("unpacked size exceeds the limit of %d bytes", x.limit))
	}
	x.left -= n
	x.info.UnpackedBytes += n
	return nil
}

func openData(e entry) (io.ReadCloser, error) {
	rc, err := e.f.Open()
	if errors.Is(err, zip.ErrAlgorithm) {
		return nil, entryErr(e.f.Name, fmt.Errorf("unsupported compression method %d", e.f.Method))
	}
	if err != nil {
		return nil, entryErr(e.f.Name, fmt.Errorf("corrupt local header: %v", err))
	}
	return rc, nil
}

// checkedWriter remembers a write error, so that a full disk is not taken
// for a corrupt package.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}
