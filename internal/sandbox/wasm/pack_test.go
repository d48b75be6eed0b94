package wasm

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
)

func TestLeb(t *testing.T) {
	for _, v := range []int32{0, 1, 63, 64, 127, 128, -1, -64, -65, 1 << 20, math.MaxInt32, math.MinInt32} {
		b := appendSleb32(nil, v)
		got, n, ok := readSleb32(b)
		if !ok || n != len(b) || got != v {
			t.Errorf("readSleb32(appendSleb32(%d) = % x) = %d, %d, %v; want %d, %d, true", v, b, got, n, ok, v, len(b))
		}
	}
	for _, v := range []uint32{0, 127, 128, 1 << 21, math.MaxUint32} {
		b := appendUleb(nil, v)
		got, n, ok := readUleb(b)
		if !ok || n != len(b) || got != v {
			t.Errorf("readUleb(appendUleb(%d) = % x) = %d, %d, %v; want %d, %d, true", v, b, got, n, ok, v, len(b))
		}
	}
	bad := []struct {
		name string
		b    []byte
		read func([]byte) bool
	}{
		{"unterminated uleb", []byte{0x80, 0x80}, func(b []byte) bool { _, _, ok := readUleb(b); return ok }},
		{"uleb over 32 bits", []byte{0xff, 0xff, 0xff, 0xff, 0x1f}, func(b []byte) bool { _, _, ok := readUleb(b); return ok }},
		{"sleb with bad top bits", []byte{0xff, 0xff, 0xff, 0xff, 0x17}, func(b []byte) bool { _, _, ok := readSleb32(b); return ok }},
		{"sleb too long", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, func(b []byte) bool { _, _, ok := readSleb32(b); return ok }},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if tt.read(tt.b) {
				t.Errorf("read(% x) ok, want a failure", tt.b)
			}
		})
	}
}

func seg(offset uint32, data string) segment { return segment{offset: offset, data: []byte(data)} }

// TestPackData checks which modules are rewritten and into how many
// segments.
func TestPackData(t *testing.T) {
	packable := []segment{seg(16, "ab"), seg(20, "cd"), seg(30, "e"), seg(30+packGap+2, "far"), seg(30+packGap+6, "g")}
	tests := []struct {
		name string
		mod  moduleSpec
		want int // segments after packing; 0: the module is left as it is
	}{
		{"neighbours merged", moduleSpec{memoryPages: 1, body: trapBody, data: packable}, 2},
		{"one segment", moduleSpec{memoryPages: 1, body: trapBody, data: packable[:1]}, 0},
		{"no data", moduleSpec{memoryPages: 1, body: trapBody}, 0},
		{"far apart", moduleSpec{memoryPages: 1, body: trapBody, data: []segment{seg(0, "a"), seg(packGap+2, "b")}}, 0},
		{"data count section", moduleSpec{memoryPages: 1, body: trapBody, data: packable, dataCount: true}, 0},
		{"passive segments", moduleSpec{memoryPages: 1, body: trapBody, data: packable, passiveData: true}, 0},
		{"overlapping", moduleSpec{memoryPages: 1, body: trapBody, data: []segment{seg(0, "abc"), seg(2, "d")}}, 0},
		{"unordered", moduleSpec{memoryPages: 1, body: trapBody, data: []segment{seg(8, "a"), seg(0, "b"), seg(9000, "c")}}, 2},
		{"unordered overlapping", moduleSpec{memoryPages: 1, body: trapBody, data: []segment{seg(8, "abc"), seg(0, "b"), seg(9, "c")}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := tt.mod.bytes()
			out := packData(bin)
			if tt.want == 0 {
				if !bytes.Equal(out, bin) {
					t.Fatalf("packData changed the module, want it as it was")
				}
				return
			}
			if got := countSegments(t, out); got != tt.want {
				t.Errorf("segments after packData = %d, want %d", got, tt.want)
			}
			wantSameMemory(t, bin, out)
		})
	}
}

func TestPackDataMalformed(t *testing.T) {
	good := moduleSpec{memoryPages: 1, body: trapBody, data: []segment{seg(0, "a"), seg(2, "b")}}.bytes()
	for _, cut := range []int{0, 4, 9, len(good) - 5, len(good) - 1} {
		bin := good[:cut]
		if out := packData(bin); !bytes.Equal(out, bin) {
			t.Errorf("packData(first %d bytes) changed them, want them as they were", cut)
		}
	}
}

// TestPackGoModule checks the case packData exists for.
func TestPackGoModule(t *testing.T) {
	hello, _ := guestDirs(t)
	bin, err := os.ReadFile(filepath.Join(hello, "main.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	before, after := countSegments(t, bin), countSegments(t, packData(bin))
	if before < 1000 || after > before/100 {
		t.Errorf("data segments of a Go module: %d before packData, %d after; want thousands cut a hundredfold", before, after)
	}
}

func countSegments(t *testing.T, bin []byte) int {
	t.Helper()
	_, start, end, ok := dataSection(bin)
	if !ok {
		t.Fatalf("no data section")
	}
	segs, ok := readSegments(bin[start:end])
	if !ok {
		t.Fatalf("data section unreadable")
	}
	return len(segs)
}

// wantSameMemory instantiates both modules in wazero (without running
// _start) and compares their memories.
func wantSameMemory(t *testing.T, a, b []byte) {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	var mems [2][]byte
	for i, bin := range [][]byte{a, b} {
		mod, err := r.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName("").WithStartFunctions())
		if err != nil {
			t.Fatalf("instantiate module %d: %v", i, err)
		}
		mem, _ := mod.Memory().Read(0, mod.Memory().Size())
		mems[i] = bytes.Clone(mem)
	}
	if !bytes.Equal(mems[0], mems[1]) {
		t.Errorf("memory after packData differs from the original")
	}
}

// FuzzPackData checks that packData never panics and that a rewritten
// module puts the same bytes in memory as the original.
func FuzzPackData(f *testing.F) {
	f.Add(moduleSpec{memoryPages: 1, body: trapBody, data: []segment{seg(0, "a"), seg(2, "b"), seg(9000, "c")}}.bytes())
	f.Add(moduleSpec{memoryPages: 1, body: trapBody, data: []segment{seg(5, "xy")}, dataCount: true}.bytes())
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x0b\x07\x02\x00\x41\x00\x0b\x00\x00"))
	f.Fuzz(func(t *testing.T, bin []byte) {
		out := packData(bin)
		if bytes.Equal(out, bin) {
			return
		}
		_, s1, e1, ok1 := dataSection(bin)
		_, s2, e2, ok2 := dataSection(out)
		if !ok1 || !ok2 {
			t.Fatalf("packData rewrote a module without a readable data section")
		}
		before, ok1 := readSegments(bin[s1:e1])
		after, ok2 := readSegments(out[s2:e2])
		if !ok1 || !ok2 || len(after) >= len(before) {
			t.Fatalf("packData went from %d segments to %d", len(before), len(after))
		}
		if span(after) > 1<<24 {
			return // too sparse to compare as one image
		}
		sorted, _ := mergeSegments(before) // in offset order; merging keeps the image
		if !bytes.Equal(image(sorted), image(after)) {
			t.Fatalf("packData changed the memory image")
		}
	})
}

// span is how many bytes the segments cover from the first offset.
func span(segs []segment) uint64 {
	last := segs[len(segs)-1]
	return uint64(last.offset) + uint64(len(last.data)) - uint64(segs[0].offset)
}

// image is the memory the segments initialise, from their first offset.
func image(segs []segment) []byte {
	var out []byte
	base := segs[0].offset
	for _, s := range segs {
		end := int(s.offset-base) + len(s.data)
		if end > len(out) {
			out = append(out, make([]byte, end-len(out))...)
		}
		copy(out[s.offset-base:], s.data)
	}
	return out
}
