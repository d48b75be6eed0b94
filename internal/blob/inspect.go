package blob

import (
	"bytes"
	"context"
	"io"
)

// Info describes a valid code package.
type Info struct {
	Files         int   // regular files
	Dirs          int   // directory entries (not the implied ones)
	Symlinks      int   // symbolic links
	UnpackedBytes int64 // bytes of all files, as actually decompressed
}

// Inspect checks that zipData is a code package that Unpack would accept
// under lim, without writing anything: it reads the whole archive and
// decompresses every entry. A refused package gives an error wrapping
// ErrInvalid; an invalid lim gives another error.
func Inspect(zipData []byte, lim Limits) (Info, error) {
	return extract(context.Background(), bytes.NewReader(zipData), int64(len(zipData)), lim, discard{})
}

// discard is the sink of Inspect.
type discard struct{}

func (discard) mkdir(entry) error                    { return nil }
func (discard) symlink(entry, string) error          { return nil }
func (discard) create(entry) (io.WriteCloser, error) { return nopCloser{io.Discard}, nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
