package wasm

import (
	"cmp"
	"slices"
)

// Data segment packing. Go's linker writes one active data segment per run
// of non-zero bytes (a hello world has about 37,000 of them), and wazero
// evaluates each segment's offset expression on every instantiation: that
// alone costs milliseconds per invocation. packData merges neighbouring
// segments before the module is compiled, so an instantiation copies a few
// large segments instead.
//
// Merging is exact: a merged segment carries the bytes of its parts at their
// offsets and zeros between them, and those zeros land on memory that was
// zero anyway (fresh linear memory is zero, and segments that do not overlap
// never write the gaps, in whatever order they are applied; Go's are not all
// in address order). The rewrite is skipped, and the module compiled as
// given, whenever that argument does not hold: a DataCount section (the
// module may use memory.init or data.drop, which address segments by index),
// a passive segment, an offset that is not a constant, overlapping
// segments, or anything malformed (wazero then reports the error).

const (
	sectionData      = 11
	sectionDataCount = 12

	// packGap is the longest run of zeros a merged segment may carry.
	packGap = 4 << 10
)

// segment is an active data segment of memory 0 at a constant offset.
type segment struct {
	offset uint32
	data   []byte
}

// packData returns bin with its data segments merged, or bin itself when
// the rewrite does not apply.
func packData(bin []byte) []byte {
	header, start, end, ok := dataSection(bin)
	if !ok {
		return bin
	}
	segs, ok := readSegments(bin[start:end])
	if !ok {
		return bin
	}
	packed, ok := mergeSegments(segs)
	if !ok || len(packed) == len(segs) {
		return bin
	}
	body := appendSegments(nil, packed)
	out := make([]byte, 0, len(bin)-(end-header)+len(body)+6)
	out = append(out, bin[:header]...)
	out = append(out, sectionData)
	out = appendUleb(out, uint32(len(body)))
	out = append(out, body...)
	return append(out, bin[end:]...)
}

// dataSection finds the data section: where its header starts and where its
// content starts and ends. ok is false without one, with a DataCount section,
// or when the section layout is malformed.
func dataSection(bin []byte) (header, start, end int, ok bool) {
	if len(bin) < 8 || string(bin[:4]) != "\x00asm" {
		return 0, 0, 0, false
	}
	found := false
	for pos := 8; pos < len(bin); {
		id := bin[pos]
		size, n, valid := readUleb(bin[pos+1:])
		from := pos + 1 + n
		if !valid || uint64(from)+uint64(size) > uint64(len(bin)) {
			return 0, 0, 0, false
		}
		switch id {
		case sectionDataCount:
			return 0, 0, 0, false
		case sectionData:
			if found {
				return 0, 0, 0, false
			}
			header, start, end, found = pos, from, from+int(size), true
		}
		pos = from + int(size)
	}
	return header, start, end, found
}

// readSegments parses a data section's content; ok is false unless every
// segment is active in memory 0 with an i32.const offset.
func readSegments(b []byte) ([]segment, bool) {
	count, pos, ok := readUleb(b)
	if !ok || uint64(count) > uint64(len(b)) {
		return nil, false
	}
	segs := make([]segment, 0, count)
	for range count {
		s, n, ok := readSegment(b[pos:])
		if !ok {
			return nil, false
		}
		segs = append(segs, s)
		pos += n
	}
	return segs, pos == len(b)
}

// readSegment parses "0x00 i32.const <offset> end <size> <bytes>".
func readSegment(b []byte) (segment, int, bool) {
	if len(b) < 2 || b[0] != 0x00 || b[1] != 0x41 {
		return segment{}, 0, false
	}
	offset, n, ok := readSleb32(b[2:])
	pos := 2 + n
	if !ok || pos >= len(b) || b[pos] != 0x0b {
		return segment{}, 0, false
	}
	pos++
	size, n, ok := readUleb(b[pos:])
	pos += n
	if !ok || uint64(pos)+uint64(size) > uint64(len(b)) {
		return segment{}, 0, false
	}
	return segment{offset: uint32(offset), data: b[pos : pos+int(size)]}, pos + int(size), true
}

// mergeSegments sorts segments by offset and joins those no more than
// packGap bytes apart; ok is false when two overlap.
func mergeSegments(segs []segment) ([]segment, bool) {
	segs = slices.Clone(segs)
	slices.SortStableFunc(segs, func(a, b segment) int { return cmp.Compare(a.offset, b.offset) })
	var out []segment
	var parts []segment // the segments of the group being built
	var end uint64      // where the group ends
	flush := func() {
		if len(parts) > 0 {
			out = append(out, join(parts, end))
		}
		parts = parts[:0]
	}
	for _, s := range segs {
		if len(parts) > 0 && uint64(s.offset) < end {
			return nil, false
		}
		if len(parts) > 0 && uint64(s.offset)-end > packGap {
			flush()
		}
		parts = append(parts, s)
		end = uint64(s.offset) + uint64(len(s.data))
	}
	flush()
	return out, true
}

// join returns one segment holding parts, which end at end.
func join(parts []segment, end uint64) segment {
	if len(parts) == 1 {
		return parts[0]
	}
	first := parts[0].offset
	data := make([]byte, end-uint64(first))
	for _, p := range parts {
		copy(data[p.offset-first:], p.data)
	}
	return segment{offset: first, data: data}
}

// appendSegments encodes segs as a data section's content.
func appendSegments(b []byte, segs []segment) []byte {
	b = appendUleb(b, uint32(len(segs)))
	for _, s := range segs {
		b = append(b, 0x00, 0x41)
		b = appendSleb32(b, int32(s.offset))
		b = append(b, 0x0b)
		b = appendUleb(b, uint32(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

// readUleb decodes an unsigned LEB128 of at most 32 bits.
func readUleb(b []byte) (v uint32, n int, ok bool) {
	var shift uint
	for n < len(b) && n < 5 {
		c := b[n]
		n++
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v, n, n < 5 || c < 0x10
		}
		shift += 7
	}
	return 0, n, false
}

// readSleb32 decodes a signed LEB128 of at most 32 bits.
func readSleb32(b []byte) (v int32, n int, ok bool) {
	var shift uint
	for n < len(b) && n < 5 {
		c := b[n]
		n++
		v |= int32(c&0x7f) << shift
		shift += 7
		if c >= 0x80 {
			continue
		}
		if n == 5 {
			// The last byte holds bits 28-31; its unused bits must repeat bit 31.
			return v, n, c&0x78 == 0 || c&0x78 == 0x78
		}
		if c&0x40 != 0 {
			v |= -1 << shift
		}
		return v, n, true
	}
	return 0, n, false
}

func appendUleb(b []byte, v uint32) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendSleb32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
