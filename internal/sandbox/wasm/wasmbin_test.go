package wasm

// A few WebAssembly modules written by hand, byte by byte: they compile in
// microseconds, where a Go module takes seconds.

// Instructions used below.
const (
	opUnreachable = 0x00
	opLoop        = 0x03
	opIf          = 0x04
	opEnd         = 0x0b
	opBr          = 0x0c
	opCall        = 0x10
	opI32Const    = 0x41
	opI32Eq       = 0x46
	opMemoryGrow  = 0x40
	blockEmpty    = 0x40
)

// moduleSpec describes a module with one function, _start, of type ()→().
type moduleSpec struct {
	imports     []wasmImport // functions of type (i32)→(), before _start
	memoryPages uint32
	noMemory    bool // define no memory at all
	hideMemory  bool // define memory but do not export it
	noStart     bool // do not export _start
	body        []byte
	data        []segment
	dataCount   bool // add a DataCount section
	passiveData bool // make every segment passive
}

type wasmImport struct{ module, name string }

func (m moduleSpec) bytes() []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	b = appendSection(b, 1, vec([]byte{0x60, 0, 0}, []byte{0x60, 1, 0x7f, 0}))
	if len(m.imports) > 0 {
		var items [][]byte
		for _, im := range m.imports {
			items = append(items, concat(name(im.module), name(im.name), []byte{0x00, 0x01}))
		}
		b = appendSection(b, 2, vec(items...))
	}
	b = appendSection(b, 3, vec([]byte{0x00}))
	if !m.noMemory {
		b = appendSection(b, 5, vec(concat([]byte{0x00}, appendUleb(nil, m.memoryPages))))
	}
	b = appendSection(b, 7, vec(m.exports()...))
	if m.dataCount {
		b = appendSection(b, 12, appendUleb(nil, uint32(len(m.data))))
	}
	body := concat([]byte{0x00}, m.body, []byte{opEnd}) // no locals
	b = appendSection(b, 10, vec(concat(appendUleb(nil, uint32(len(body))), body)))
	if len(m.data) > 0 {
		b = appendSection(b, 11, m.dataSection())
	}
	return b
}

func (m moduleSpec) exports() [][]byte {
	var items [][]byte
	if !m.noStart {
		items = append(items, concat(name("_start"), []byte{0x00}, appendUleb(nil, uint32(len(m.imports)))))
	}
	if !m.noMemory && !m.hideMemory {
		items = append(items, concat(name("memory"), []byte{0x02, 0x00}))
	}
	return items
}

func (m moduleSpec) dataSection() []byte {
	if !m.passiveData {
		return appendSegments(nil, m.data)
	}
	b := appendUleb(nil, uint32(len(m.data)))
	for _, s := range m.data {
		b = append(b, 0x01)
		b = appendUleb(b, uint32(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

func appendSection(b []byte, id byte, content []byte) []byte {
	b = append(b, id)
	b = appendUleb(b, uint32(len(content)))
	return append(b, content...)
}

func vec(items ...[]byte) []byte {
	return concat(append([][]byte{appendUleb(nil, uint32(len(items)))}, items...)...)
}

func name(s string) []byte { return concat(appendUleb(nil, uint32(len(s))), []byte(s)) }

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func i32Const(v int32) []byte { return appendSleb32([]byte{opI32Const}, v) }

// Bodies of _start.
var (
	trapBody = []byte{opUnreachable}
	loopBody = []byte{opLoop, blockEmpty, opBr, 0, opEnd}
	// growBody grows memory by 16 pages until refused, then traps.
	growBody = concat([]byte{opLoop, blockEmpty}, i32Const(16), []byte{opMemoryGrow, 0x00},
		i32Const(-1), []byte{opI32Eq, opIf, blockEmpty, opUnreachable, opEnd, opBr, 0, opEnd})
)

// exitBody calls the first import, proc_exit, with code.
func exitBody(code int32) []byte {
	return concat(i32Const(code), []byte{opCall, 0})
}

// commandModule is a WASI command with the given _start body.
func commandModule(body []byte) []byte {
	return moduleSpec{memoryPages: 1, body: body}.bytes()
}

var procExit = wasmImport{"wasi_snapshot_preview1", "proc_exit"}
