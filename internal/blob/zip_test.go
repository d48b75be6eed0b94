package blob

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io/fs"
	"testing"
)

// zent is an entry of a test zip. A zero mode is a 0644 file.
type zent struct {
	name string
	body string
	mode fs.FileMode
}

func file(name, body string) zent { return zent{name: name, body: body} }
func dir(name string) zent        { return zent{name: name, mode: fs.ModeDir | 0o755} }
func link(name, target string) zent {
	return zent{name: name, body: target, mode: fs.ModeSymlink | 0o777}
}

// buildZip writes the entries with archive/zip, deflated.
func buildZip(t testing.TB, ents ...zent) []byte {
	t.Helper()
	return writeZip(t, func(w *zip.Writer) {
		for _, e := range ents {
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
			mode := e.mode
			if mode == 0 {
				mode = 0o644
			}
			h.SetMode(mode)
			fw, err := w.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// rawEnt is an entry whose header fields are written as given, true or not.
type rawEnt struct {
	hdr  zip.FileHeader
	data []byte // as stored: compressed if hdr.Method says so
}

func buildRawZip(t testing.TB, ents ...rawEnt) []byte {
	t.Helper()
	return writeZip(t, func(w *zip.Writer) {
		for _, e := range ents {
			h := e.hdr
			fw, err := w.CreateRaw(&h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fw.Write(e.data); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func writeZip(t testing.TB, fill func(w *zip.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fill(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// stored is an honest uncompressed entry.
func stored(name string, body []byte) rawEnt {
	return rawEnt{zip.FileHeader{
		Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body)),
	}, body}
}

// deflated is an honest deflated entry.
func deflated(t testing.TB, name string, body []byte) rawEnt {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(body)
	fw.Close()
	return rawEnt{zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(buf.Len()), UncompressedSize64: uint64(len(body)),
	}, buf.Bytes()}
}

// withUnixMode sets the external attributes by hand, as a Unix zip tool
// would: st_mode in the high 16 bits.
func withUnixMode(e rawEnt, stMode uint32) rawEnt {
	e.hdr.CreatorVersion = 3<<8 | 20
	e.hdr.ExternalAttrs = stMode << 16
	return e
}

// pointSecondAtFirst rewrites the central directory so that its second
// entry's local header offset is the first entry's: both entries then share
// one stream of data.
func pointSecondAtFirst(t testing.TB, data []byte) []byte {
	t.Helper()
	sig := []byte{'P', 'K', 1, 2}
	first := bytes.Index(data, sig)
	second := first + 1 + bytes.Index(data[first+1:], sig)
	if first < 0 || second <= first {
		t.Fatal("central directory records not found")
	}
	out := bytes.Clone(data)
	copy(out[second+42:second+46], data[first+42:first+46])
	return out
}

// flipByte returns data with the first occurrence of marker's first byte
// changed.
func flipByte(t testing.TB, data []byte, marker string) []byte {
	t.Helper()
	i := bytes.Index(data, []byte(marker))
	if i < 0 {
		t.Fatalf("marker %q not in zip", marker)
	}
	out := bytes.Clone(data)
	out[i] ^= 0xff
	return out
}
