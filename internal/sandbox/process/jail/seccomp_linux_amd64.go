package jail

import "golang.org/x/sys/unix"

// nativeArch is AUDIT_ARCH of the only ABI a jail may use.
const nativeArch = unix.AUDIT_ARCH_X86_64

// foreignABIBit marks x32 system calls, which share the x86-64 arch value.
const foreignABIBit = 0x40000000

// archDenied are denied system calls that exist only on x86-64.
var archDenied = []uintptr{
	unix.SYS_IOPL, unix.SYS_IOPERM, unix.SYS_CREATE_MODULE, unix.SYS_GET_KERNEL_SYMS,
	unix.SYS_QUERY_MODULE, unix.SYS_USELIB, unix.SYS__SYSCTL, unix.SYS_USTAT, unix.SYS_SYSFS,
}
