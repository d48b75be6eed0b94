package jail

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// runFilter evaluates a classic BPF seccomp program on seccomp_data made of
// nr, arch and the first argument: the few instructions the filter uses.
func runFilter(t *testing.T, prog []unix.SockFilter, nr int, arch uint32, arg0 uint64) uint32 {
	t.Helper()
	data := make([]byte, 64)
	binary.LittleEndian.PutUint32(data[0:], uint32(nr))
	binary.LittleEndian.PutUint32(data[4:], arch)
	binary.LittleEndian.PutUint64(data[16:], arg0)
	var acc uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			acc = binary.LittleEndian.Uint32(data[in.K:])
		case unix.BPF_RET | unix.BPF_K:
			return in.K
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K,
			unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			var cond bool
			switch in.Code &^ (unix.BPF_JMP | unix.BPF_K) {
			case unix.BPF_JEQ:
				cond = acc == in.K
			case unix.BPF_JGE:
				cond = acc >= in.K
			case unix.BPF_JSET:
				cond = acc&in.K != 0
			}
			if cond {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		default:
			t.Fatalf("instruction %d: unexpected code %#x", pc, in.Code)
		}
	}
	t.Fatalf("the program ran off its end")
	return 0
}

func TestFilterProgram(t *testing.T) {
	prog := filterProgram()
	eperm := unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
	eafnosupport := unix.SECCOMP_RET_ERRNO | uint32(unix.EAFNOSUPPORT)
	tests := []struct {
		name string
		nr   int
		arch uint32
		arg0 uint64
		want uint32
	}{
		{"read", unix.SYS_READ, nativeArch, 0, unix.SECCOMP_RET_ALLOW},
		{"execve", unix.SYS_EXECVE, nativeArch, 0, unix.SECCOMP_RET_ALLOW},
		{"mount", unix.SYS_MOUNT, nativeArch, 0, eperm},
		{"ptrace", unix.SYS_PTRACE, nativeArch, 0, eperm},
		{"unshare", unix.SYS_UNSHARE, nativeArch, 0, eperm},
		{"bpf", unix.SYS_BPF, nativeArch, 0, eperm},
		{"keyctl", unix.SYS_KEYCTL, nativeArch, 0, eperm},
		{"clone of a thread", unix.SYS_CLONE, nativeArch, unix.CLONE_VM | unix.CLONE_THREAD | unix.CLONE_SIGHAND, unix.SECCOMP_RET_ALLOW},
		{"clone into a user namespace", unix.SYS_CLONE, nativeArch, unix.CLONE_NEWUSER | 17, eperm},
		{"clone into a network namespace", unix.SYS_CLONE, nativeArch, unix.CLONE_NEWNET, eperm},
		{"clone3", unix.SYS_CLONE3, nativeArch, 0, unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)},
		{"another architecture", unix.SYS_READ, nativeArch ^ 1, 0, unix.SECCOMP_RET_KILL_PROCESS},
		{"socket AF_UNIX", unix.SYS_SOCKET, nativeArch, unix.AF_UNIX, unix.SECCOMP_RET_ALLOW},
		{"socket AF_INET", unix.SYS_SOCKET, nativeArch, unix.AF_INET, unix.SECCOMP_RET_ALLOW},
		{"socket AF_INET6", unix.SYS_SOCKET, nativeArch, unix.AF_INET6, unix.SECCOMP_RET_ALLOW},
		{"socket AF_NETLINK", unix.SYS_SOCKET, nativeArch, unix.AF_NETLINK, unix.SECCOMP_RET_ALLOW},
		{"socket AF_INET, garbage high bits", unix.SYS_SOCKET, nativeArch, 0xdead_beef_0000_0000 | unix.AF_INET, unix.SECCOMP_RET_ALLOW},
		{"socket AF_VSOCK", unix.SYS_SOCKET, nativeArch, unix.AF_VSOCK, eafnosupport},
		{"socket AF_UNSPEC, AF_VSOCK in the high bits", unix.SYS_SOCKET, nativeArch, unix.AF_VSOCK << 32, eafnosupport},
		{"socket AF_PACKET", unix.SYS_SOCKET, nativeArch, unix.AF_PACKET, eafnosupport},
		{"socket AF_ALG", unix.SYS_SOCKET, nativeArch, unix.AF_ALG, eafnosupport},
		{"socketpair AF_UNIX", unix.SYS_SOCKETPAIR, nativeArch, unix.AF_UNIX, unix.SECCOMP_RET_ALLOW},
		{"socketpair AF_VSOCK", unix.SYS_SOCKETPAIR, nativeArch, unix.AF_VSOCK, eafnosupport},
		{"connect is not checked", unix.SYS_CONNECT, nativeArch, unix.AF_VSOCK, unix.SECCOMP_RET_ALLOW},
		{"clone of a thread after the socket checks", unix.SYS_CLONE, nativeArch, unix.AF_VSOCK, unix.SECCOMP_RET_ALLOW},
	}
	if foreignABIBit != 0 {
		tests = append(tests, struct {
			name string
			nr   int
			arch uint32
			arg0 uint64
			want uint32
		}{"x32 read", foreignABIBit | unix.SYS_READ, nativeArch, 0, eperm})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runFilter(t, prog, tt.nr, tt.arch, tt.arg0); got != tt.want {
				t.Errorf("filter(%d) = %#x, want %#x", tt.nr, got, tt.want)
			}
		})
	}
}
