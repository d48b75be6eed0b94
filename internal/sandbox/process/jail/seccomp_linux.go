package jail

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// denied are the system calls user code never needs and an attacker
// wants: they change mounts, namespaces, the kernel, other processes'
// memory, keys, time or the machine's state, or reach large kernel surfaces
// (bpf, io_uring, perf, userfaultfd). They fail with EPERM. Most already
// need a capability the jail lacks; the filter also closes the paths
// that need none (unprivileged user namespaces, ptrace of a sibling,
// open_by_handle_at) and keeps kernel attack surface small. Architecture
// specific ones are in seccomp_<arch>.go.
var denied = []uintptr{
	unix.SYS_MOUNT, unix.SYS_UMOUNT2, unix.SYS_PIVOT_ROOT, unix.SYS_CHROOT,
	unix.SYS_MOUNT_SETATTR, unix.SYS_MOVE_MOUNT, unix.SYS_OPEN_TREE,
	unix.SYS_FSOPEN, unix.SYS_FSCONFIG, unix.SYS_FSMOUNT, unix.SYS_FSPICK,
	unix.SYS_UNSHARE, unix.SYS_SETNS,
	unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV, unix.SYS_KCMP,
	unix.SYS_KEXEC_LOAD, unix.SYS_KEXEC_FILE_LOAD, unix.SYS_REBOOT,
	unix.SYS_INIT_MODULE, unix.SYS_FINIT_MODULE, unix.SYS_DELETE_MODULE,
	unix.SYS_BPF, unix.SYS_PERF_EVENT_OPEN, unix.SYS_USERFAULTFD,
	unix.SYS_IO_URING_SETUP, unix.SYS_IO_URING_ENTER, unix.SYS_IO_URING_REGISTER,
	unix.SYS_KEYCTL, unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY,
	unix.SYS_SWAPON, unix.SYS_SWAPOFF, unix.SYS_ACCT, unix.SYS_QUOTACTL,
	unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_NAME_TO_HANDLE_AT, unix.SYS_LOOKUP_DCOOKIE,
	unix.SYS_SYSLOG, unix.SYS_SETTIMEOFDAY, unix.SYS_CLOCK_SETTIME, unix.SYS_CLOCK_ADJTIME,
	unix.SYS_ADJTIMEX, unix.SYS_SETHOSTNAME, unix.SYS_SETDOMAINNAME, unix.SYS_VHANGUP,
	unix.SYS_NFSSERVCTL, unix.SYS_FANOTIFY_INIT,
}

// namespaceFlags are the clone flags that make new namespaces.
const namespaceFlags = unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWUSER |
	unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME

// socketFamilies are the address families socket(2) and socketpair(2) may
// use: the ones the jail's namespaces confine (AF_UNIX, AF_INET, AF_INET6)
// and AF_NETLINK, which libcs use to list interfaces and addresses. Others
// fail with EAFNOSUPPORT, as on a kernel without them: AF_VSOCK above all,
// which no namespace confines (a jail could bind ports of the machine's one
// vsock space or reach the hypervisor's services), and the rest of the
// kernel's families, rarely used and a large attack surface. No
// architecture Yun supports has socketcall(2), which would hide the family
// in memory.
var socketFamilies = []uint32{unix.AF_UNIX, unix.AF_INET, unix.AF_INET6, unix.AF_NETLINK}

// Offsets in struct seccomp_data.
const (
	offNr   = 0
	offArch = 4
	offArg0 = 16 // low 32 bits on little-endian machines: the clone flags, a socket's domain
)

// installFilter installs the jail's seccomp filter on every thread of the
// init (TSYNC); the program inherits it. no_new_privs must be set.
func installFilter() error {
	prog := filterProgram()
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC,
		uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return fmt.Errorf("install seccomp filter: %w", errno)
	}
	return nil
}

// filterProgram is the classic BPF of the filter:
//
//	arch != native               → kill the process (no other ABI's numbers)
//	foreign ABI bit (x32)        → EPERM
//	nr in denied                 → EPERM
//	clone3                       → ENOSYS (its flags are in memory BPF cannot read;
//	                               libc falls back to clone)
//	clone with namespace flags   → EPERM
//	socket, socketpair of a      → EAFNOSUPPORT
//	family not in socketFamilies
//	anything else                → allow
func filterProgram() []unix.SockFilter {
	var a assembler
	a.load(offArch)
	a.jumpUnless(unix.BPF_JEQ, nativeArch, "kill")
	a.load(offNr)
	if foreignABIBit != 0 {
		a.jumpIf(unix.BPF_JGE, foreignABIBit, "eperm")
	}
	for _, nr := range append(denied, archDenied...) {
		a.jumpIf(unix.BPF_JEQ, uint32(nr), "eperm")
	}
	a.jumpIf(unix.BPF_JEQ, unix.SYS_CLONE3, "enosys")
	a.jumpIf(unix.BPF_JEQ, unix.SYS_CLONE, "clone")
	a.jumpIf(unix.BPF_JEQ, unix.SYS_SOCKET, "socket")
	a.jumpUnless(unix.BPF_JEQ, unix.SYS_SOCKETPAIR, "allow")
	a.label("socket") // the domain is an int: its low 32 bits
	a.load(offArg0)
	for _, family := range socketFamilies {
		a.jumpIf(unix.BPF_JEQ, family, "allow")
	}
	a.ret(unix.SECCOMP_RET_ERRNO | uint32(unix.EAFNOSUPPORT))
	a.label("clone")
	a.load(offArg0)
	a.jumpIf(unix.BPF_JSET, namespaceFlags, "eperm")
	a.label("allow")
	a.ret(unix.SECCOMP_RET_ALLOW)
	a.label("eperm")
	a.ret(unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM))
	a.label("enosys")
	a.ret(unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS))
	a.label("kill")
	a.ret(unix.SECCOMP_RET_KILL_PROCESS)
	return a.assemble()
}
