package blob

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

type invalidCase struct {
	name string
	zip  []byte
	lim  Limits
	want string // in the error message
}

// invalidCases are packages that Inspect and Unpack must refuse. Most put a
// valid entry first, so that Unpack has written something to clean up.
func invalidCases(t testing.TB) []invalidCase {
	t.Helper()
	good := file("ok/first.txt", "fine")
	zeros := deflated(t, "z", make([]byte, 1<<20)) // 1 MiB in about 1 KiB
	manyZeros := make([]rawEnt, 600)               // 600 MiB declared, honestly
	for i := range manyZeros {
		manyZeros[i] = zeros
		manyZeros[i].hdr.Name = "bomb/" + strings.Repeat("x", i%200) + string(rune('a'+i/200))
	}
	manyEmpty := make([]rawEnt, DefaultMaxFiles+1)
	for i := range manyEmpty {
		manyEmpty[i] = stored("f"+strconv.Itoa(i), nil)
	}
	hugeRatio := stored("huge", []byte("tiny"))
	hugeRatio.hdr.UncompressedSize64 = 400 << 20
	hugeDeclared := stored("huger", []byte("tiny"))
	hugeDeclared.hdr.UncompressedSize64 = 10 << 30
	shortDeclared := stored("liar", bytes.Repeat([]byte("x"), 100))
	shortDeclared.hdr.UncompressedSize64 = 10
	longDeclared := stored("liar", bytes.Repeat([]byte("x"), 100))
	longDeclared.hdr.UncompressedSize64 = 1000
	deflateLie := deflated(t, "liar", make([]byte, 10<<20))
	deflateLie.hdr.UncompressedSize64 = 100
	unknownMethod := stored("odd", []byte("data"))
	unknownMethod.hdr.Method = 99
	encrypted := stored("secret", []byte("data"))
	encrypted.hdr.Flags |= 0x1
	valid := buildZip(t, good, file("b.txt", strings.Repeat("hello ", 1000)))
	random := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(random)

	return []invalidCase{
		{"random bytes", random, Limits{}, "not a readable zip archive"},
		{"empty input", nil, Limits{}, "not a readable zip archive"},
		{"truncated", valid[:len(valid)/2], Limits{}, "not a readable zip archive"},
		{"bad crc", flipByte(t, buildRawZip(t, stored("ok.txt", []byte("fine")), stored("c.txt", []byte("CORRUPTME"))), "CORRUPTME"),
			Limits{}, `entry "c.txt": corrupt data: zip: checksum error`},
		{"bad deflate stream", flipByte(t, buildRawZip(t, stored("ok.txt", []byte("fine")), deflated(t, "d.txt", []byte("hello hello hello hello"))), "\xca\x48"),
			Limits{}, `entry "d.txt": corrupt data`},
		{"dot dot", buildZip(t, good, file("../x", "evil")), Limits{}, `entry "../x": path escapes the package root`},
		{"inner dot dot", buildZip(t, good, file("a/../../x", "evil")), Limits{}, `entry "a/../../x": path escapes the package root`},
		{"harmless-looking dot dot", buildZip(t, good, file("a/../b", "evil")), Limits{}, `entry "a/../b": path escapes the package root`},
		{"backslash dot dot", buildZip(t, good, file(`a\..\..\x`, "evil")), Limits{}, `path escapes the package root`},
		{"absolute", buildZip(t, good, file("/etc/cron.d/x", "evil")), Limits{}, `entry "/etc/cron.d/x": absolute path`},
		{"windows drive", buildZip(t, good, file(`C:\x`, "evil")), Limits{}, `entry "C:\\x": absolute path`},
		{"windows drive relative", buildZip(t, good, file(`c:x`, "evil")), Limits{}, `absolute path`},
		{"leading backslash", buildZip(t, good, file(`\x`, "evil")), Limits{}, `entry "\\x": absolute path`},
		{"unc path", buildZip(t, good, file(`\\server\share\x`, "evil")), Limits{}, `absolute path`},
		{"empty name", buildRawZip(t, stored("ok", nil), stored("", []byte("x"))), Limits{}, `entry "": empty name`},
		{"dot file", buildZip(t, good, file(".", "x")), Limits{}, `entry ".": empty name`},
		{"nul in name", buildZip(t, good, file("a\x00b", "x")), Limits{}, `NUL byte`},
		{"long component", buildZip(t, good, file(strings.Repeat("n", 256), "x")), Limits{}, `name component longer than 255 bytes`},
		{"duplicate", buildZip(t, good, file("a", "1"), file("./a", "2")), Limits{}, `entry "./a": duplicate name (also entry "a")`},
		{"file and dir", buildZip(t, good, file("a", "1"), dir("a/")), Limits{}, `entry "a/": duplicate name (also entry "a")`},
		{"below a file", buildZip(t, good, file("a", "1"), file("a/b", "2")), Limits{}, `entry "a/b": parent "a" is not a directory`},
		{"below a link", buildZip(t, good, link("l", "ok"), file("l/evil", "2")), Limits{}, `entry "l/evil": parent "l" is not a directory`},
		{"link absolute", buildZip(t, good, link("l", "/etc/passwd")), Limits{}, `entry "l": symbolic link target "/etc/passwd" is absolute`},
		{"link windows absolute", buildZip(t, good, link("l", `C:\Windows`)), Limits{}, `is absolute`},
		{"link escapes", buildZip(t, good, link("a/l", "../../x")), Limits{}, `entry "a/l": symbolic link target "../../x": path escapes the package root`},
		{"link escapes by backslash", buildZip(t, good, link("l", `..\x`)), Limits{}, `path escapes the package root`},
		{"link climbs after a name", buildZip(t, good, link("a/l", "../a/../..")), Limits{}, `has ".." after a name`},
		{"link through another link", buildZip(t, good, link("d/up", ".."), link("e", "d/up/..")), Limits{}, `entry "e": symbolic link target "d/up/.." has ".." after a name`},
		{"link empty", buildZip(t, good, link("l", "")), Limits{}, `entry "l": empty symbolic link target`},
		{"link by external attributes", buildRawZip(t, stored("ok", nil), withUnixMode(stored("l", []byte("/etc/shadow")), 0o120777)),
			Limits{}, `entry "l": symbolic link target "/etc/shadow" is absolute`},
		{"link too long", buildRawZip(t, withUnixMode(stored("l", bytes.Repeat([]byte("a/"), 3000)), 0o120777)),
			Limits{}, `symbolic link target longer than 4095 bytes`},
		{"device", buildRawZip(t, stored("ok", nil), withUnixMode(stored("dev", nil), 0o060644)), Limits{}, `entry "dev": unsupported file type: block device`},
		{"char device", buildZip(t, good, zent{name: "tty", mode: fs.ModeDevice | fs.ModeCharDevice | 0o644}), Limits{}, `entry "tty": unsupported file type: character device`},
		{"fifo", buildRawZip(t, stored("ok", nil), withUnixMode(stored("fifo", nil), 0o010644)), Limits{}, `entry "fifo": unsupported file type: named pipe`},
		{"socket", buildZip(t, good, zent{name: "sock", mode: fs.ModeSocket | 0o644}), Limits{}, `entry "sock": unsupported file type: socket`},
		{"directory with data", buildRawZip(t, stored("ok", nil), withUnixMode(stored("d", []byte("data")), 0o040755)), Limits{}, `entry "d": directory entry has data`},
		{"encrypted", buildRawZip(t, stored("ok", nil), encrypted), Limits{}, `entry "secret": encrypted entries are not supported`},
		{"unknown method", buildRawZip(t, stored("ok", nil), unknownMethod), Limits{}, `entry "odd": unsupported compression method 99`},
		{"declared size shorter than data", buildRawZip(t, stored("ok", nil), shortDeclared), Limits{}, `entry "liar": more data than the declared 10 bytes`},
		{"declared size longer than data", buildRawZip(t, stored("ok", nil), longDeclared), Limits{}, `entry "liar": corrupt data: unexpected EOF`},
		{"deflate bomb behind a small declared size", buildRawZip(t, stored("ok", nil), deflateLie), Limits{}, `entry "liar": more data than the declared 100 bytes`},
		{"many compressible entries", buildRawZip(t, manyZeros...), Limits{}, `declared unpacked size exceeds the limit of 524288000 bytes`},
		{"one huge entry", buildRawZip(t, stored("ok", nil), hugeDeclared), Limits{}, `entry "huger": declared size 10737418240 exceeds the limit of 524288000 bytes`},
		{"absurd ratio", buildRawZip(t, stored("ok", nil), hugeRatio), Limits{}, `entry "huge": compression ratio of 419430400:4 bytes exceeds 1000:1`},
		{"ratio under a custom limit", buildRawZip(t, stored("ok", nil), deflated(t, "z", make([]byte, 2<<20))), Limits{MaxRatio: 10}, `entry "z": compression ratio`},
		{"total over a custom limit", buildZip(t, good, file("big", strings.Repeat("x", 2000))), Limits{MaxUnpacked: 1000}, `entry "big": declared size 2000 exceeds the limit of 1000 bytes`},
		{"too many entries", buildRawZip(t, manyEmpty...), Limits{}, `50001 entries exceed the limit of 50000`},
		{"too many under a custom limit", buildZip(t, good, file("a", ""), file("b", "")), Limits{MaxFiles: 2}, `3 entries exceed the limit of 2`},
		{"overlapping entries", pointSecondAtFirst(t, buildRawZip(t, stored("a", []byte("same")), stored("b", []byte("same")))), Limits{}, `data overlaps entry`},
	}
}

func TestInspectRefuses(t *testing.T) {
	for _, tc := range invalidCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Inspect(tc.zip, tc.lim)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Inspect: got %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Inspect: got %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestInspectAccepts(t *testing.T) {
	tests := []struct {
		name string
		zip  []byte
		want Info
	}{
		{"empty archive", buildZip(t), Info{}},
		{"files, dirs and links", buildZip(t,
			dir("lib/"), file("lib/cli.js", "cli"), file("index.js", "exports.handler=1"),
			link("node_modules/.bin/cli", "../../lib/cli.js"), link("here", "."), link("lib/up", "..")),
			Info{Files: 2, Dirs: 1, Symlinks: 3, UnpackedBytes: 20}},
		{"root and dot entries", buildZip(t, dir("./"), file("./a.txt", "a"), file("b//c.txt", "bc")),
			Info{Files: 2, UnpackedBytes: 3}},
		{"backslash separators", buildZip(t, file(`lib\x.js`, "x"), file(`lib\y.js`, "y")),
			Info{Files: 2, UnpackedBytes: 2}},
		{"one megabyte of zeros", buildRawZip(t, deflated(t, "zeros", make([]byte, 1<<20))),
			Info{Files: 1, UnpackedBytes: 1 << 20}},
		{"stored entries", buildRawZip(t, stored("a", []byte("abc")), stored("empty", nil)),
			Info{Files: 2, UnpackedBytes: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Inspect(tc.zip, Limits{})
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if got != tc.want {
				t.Errorf("Inspect: got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestInspectBadLimits(t *testing.T) {
	for _, lim := range []Limits{{MaxUnpacked: -1}, {MaxFiles: -1}, {MaxRatio: -1}} {
		_, err := Inspect(buildZip(t), lim)
		if err == nil || errors.Is(err, ErrInvalid) {
			t.Errorf("Inspect with %+v: got %v, want a limits error", lim, err)
		}
	}
}

// The zip package refuses some names only under GODEBUG=zipinsecurepath=0;
// Inspect must refuse them with its own message either way.
func TestInspectInsecurePathGodebug(t *testing.T) {
	t.Setenv("GODEBUG", "zipinsecurepath=0")
	_, err := Inspect(buildZip(t, file("../x", "evil")), Limits{})
	if want := `entry "../x": path escapes the package root`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Inspect: got %v, want %q", err, want)
	}
}
