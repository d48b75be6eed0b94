package jail

import "golang.org/x/sys/unix"

// nativeArch is AUDIT_ARCH of the only ABI a jail may use.
const nativeArch = unix.AUDIT_ARCH_AARCH64

// foreignABIBit is zero: arm64 has no second ABI sharing its arch value.
const foreignABIBit = 0

// archDenied are denied system calls that exist only on some architectures.
var archDenied []uintptr
