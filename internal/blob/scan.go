package blob

import (
	"archive/zip"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
)

// ErrInvalid marks a code package that is refused. Errors wrapping it name
// the problem and, where there is one, the entry.
var ErrInvalid = errors.New("invalid code package")

type kind int

const (
	kindFile kind = iota
	kindDir
	kindSymlink
)

// entry is one zip entry that passed the checks of the central directory.
type entry struct {
	f    *zip.File
	name string      // cleanName of f.Name, never empty
	kind kind        // file, directory or symbolic link
	mode fs.FileMode // of a file: 0644, or 0755 if executable in the zip
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func entryErr(raw string, reason error) error {
	return fmt.Errorf("%w: entry %q: %v", ErrInvalid, raw, reason)
}

// openZip reads the central directory of the archive r of size bytes and
// checks everything it declares, before any data is read. lim has its
// defaults filled in. The returned entries are in archive order and exclude
// root entries such as "./".
func openZip(r io.ReaderAt, size int64, lim Limits) ([]entry, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, invalidf("not a readable zip archive: %v", err)
	}
	if n := len(zr.File); n > lim.MaxFiles {
		return nil, invalidf("%d entries exceed the limit of %d", n, lim.MaxFiles)
	}
	entries, err := scanEntries(zr.File, lim)
	if err != nil {
		return nil, err
	}
	if err := checkTree(entries); err != nil {
		return nil, err
	}
	if err := checkSpans(entries, size); err != nil {
		return nil, err
	}
	return entries, nil
}

func scanEntries(files []*zip.File, lim Limits) ([]entry, error) {
	entries := make([]entry, 0, len(files))
	var declared uint64
	for _, f := range files {
		e, err := scanEntry(f, lim)
		if err != nil {
			return nil, entryErr(f.Name, err)
		}
		if e.kind == kindFile {
			declared += f.UncompressedSize64 // each ≤ MaxUnpacked: no overflow
			if declared > uint64(lim.MaxUnpacked) {
				return nil, entryErr(f.Name, fmt.Errorf("declared unpacked size exceeds the limit of %d bytes", lim.MaxUnpacked))
			}
		}
		if e.name != "" {
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// scanEntry checks one entry's header. A root entry comes back with an
// empty name.
func scanEntry(f *zip.File, lim Limits) (entry, error) {
	name, err := cleanName(f.Name)
	if err != nil {
		return entry{}, err
	}
	if f.Flags&0x1 != 0 {
		return entry{}, errors.New("encrypted entries are not supported")
	}
	k, err := kindOf(f.Mode())
	if err != nil {
		return entry{}, err
	}
	if name == "" && k != kindDir {
		return entry{}, errors.New("empty name")
	}
	e := entry{f: f, name: name, kind: k, mode: fileMode(f.Mode())}
	return e, checkSizes(e, lim)
}

func kindOf(m fs.FileMode) (kind, error) {
	switch m.Type() {
	case 0:
		return kindFile, nil
	case fs.ModeDir:
		return kindDir, nil
	case fs.ModeSymlink:
		return kindSymlink, nil
	}
	return 0, fmt.Errorf("unsupported file type: %s", typeName(m))
}

func typeName(m fs.FileMode) string {
	switch m.Type() {
	case fs.ModeDevice:
		return "block device"
	case fs.ModeDevice | fs.ModeCharDevice:
		return "character device"
	case fs.ModeNamedPipe:
		return "named pipe"
	case fs.ModeSocket:
		return "socket"
	}
	return m.Type().String()
}

// fileMode keeps only the executable bit of m.
func fileMode(m fs.FileMode) fs.FileMode {
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

func checkSizes(e entry, lim Limits) error {
	size := e.f.UncompressedSize64
	switch e.kind {
	case kindDir:
		if size != 0 {
			return errors.New("directory entry has data")
		}
	case kindSymlink:
		if size > maxPathLen {
			return fmt.Errorf("symbolic link target longer than %d bytes", maxPathLen)
		}
	case kindFile:
		if size > uint64(lim.MaxUnpacked) {
			return fmt.Errorf("declared size %d exceeds the limit of %d bytes", size, lim.MaxUnpacked)
		}
		if lim.ratioExceeded(size, e.f.CompressedSize64) {
			return fmt.Errorf("compression ratio of %d:%d bytes exceeds %d:1", size, e.f.CompressedSize64, lim.MaxRatio)
		}
	}
	return nil
}

// checkTree refuses duplicate names (after cleaning, so "a", "a/" and "./a"
// are one name) and entries below a file or a symbolic link, so that
// nothing is ever written through a link.
func checkTree(entries []entry) error {
	byName := make(map[string]int, len(entries))
	for i, e := range entries {
		if j, dup := byName[e.name]; dup {
			return entryErr(e.f.Name, fmt.Errorf("duplicate name (also entry %q)", entries[j].f.Name))
		}
		byName[e.name] = i
	}
	for _, e := range entries {
		for p := path.Dir(e.name); p != "."; p = path.Dir(p) {
			if j, ok := byName[p]; ok && entries[j].kind != kindDir {
				return entryErr(e.f.Name, fmt.Errorf("parent %q is not a directory", entries[j].f.Name))
			}
		}
	}
	return nil
}

type span struct {
	start, end uint64
	raw        string
}

// checkSpans refuses entries whose compressed data reach past the end of the
// archive or overlap another entry's: overlapping entries are how the
// densest zip bombs multiply one compressed stream.
func checkSpans(entries []entry, size int64) error {
	spans := make([]span, 0, len(entries))
	for _, e := range entries {
		off, err := e.f.DataOffset()
		if err == nil && off < 0 {
			err = errors.New("negative offset")
		}
		if err != nil {
			return entryErr(e.f.Name, fmt.Errorf("corrupt local header: %v", err))
		}
		n := e.f.CompressedSize64
		if n > uint64(size) || uint64(off) > uint64(size)-n {
			return entryErr(e.f.Name, errors.New("data extends past the end of the archive"))
		}
		if n > 0 {
			spans = append(spans, span{uint64(off), uint64(off) + n, e.f.Name})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return entryErr(spans[i].raw, fmt.Errorf("data overlaps entry %q", spans[i-1].raw))
		}
	}
	return nil
}
