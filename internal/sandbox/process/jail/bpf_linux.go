package jail

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// assembler builds a classic BPF program whose jumps go forward to labels.
type assembler struct {
	prog   []unix.SockFilter
	fixups []fixup // jumps to resolve
	labels map[string]int
}

// fixup is a jump at index at whose true (or false) branch goes to label.
type fixup struct {
	at     int
	label  string
	onTrue bool
}

func (a *assembler) load(offset uint32) {
	a.prog = append(a.prog, unix.SockFilter{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: offset})
}

func (a *assembler) ret(k uint32) {
	a.prog = append(a.prog, unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: k})
}

// jumpIf goes to label when the accumulator compares true with k.
func (a *assembler) jumpIf(op uint16, k uint32, label string) { a.jump(op, k, label, true) }

// jumpUnless goes to label when the accumulator compares false with k.
func (a *assembler) jumpUnless(op uint16, k uint32, label string) { a.jump(op, k, label, false) }

func (a *assembler) jump(op uint16, k uint32, label string, onTrue bool) {
	a.fixups = append(a.fixups, fixup{at: len(a.prog), label: label, onTrue: onTrue})
	a.prog = append(a.prog, unix.SockFilter{Code: unix.BPF_JMP | op | unix.BPF_K, K: k})
}

func (a *assembler) label(name string) {
	if a.labels == nil {
		a.labels = map[string]int{}
	}
	a.labels[name] = len(a.prog)
}

// assemble resolves the jumps. A classic BPF jump reaches at most 255
// instructions ahead; the programs here are far shorter, so a longer one is
// a bug.
func (a *assembler) assemble() []unix.SockFilter {
	for _, f := range a.fixups {
		target, ok := a.labels[f.label]
		offset := target - f.at - 1
		if !ok || offset < 0 || offset > 255 {
			panic(fmt.Sprintf("bpf: jump from %d to %q (%d) out of reach", f.at, f.label, target))
		}
		if f.onTrue {
			a.prog[f.at].Jt = uint8(offset)
		} else {
			a.prog[f.at].Jf = uint8(offset)
		}
	}
	return a.prog
}
