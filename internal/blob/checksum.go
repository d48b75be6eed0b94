package blob

import (
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"strconv"
)

var (
	// ErrInvalidChecksum: a checksum string is not a canonical decimal uint64.
	ErrInvalidChecksum = errors.New("invalid code checksum")
	// ErrChecksumMismatch: bytes do not have the checksum they are stored or
	// fetched under.
	ErrChecksumMismatch = errors.New("code checksum mismatch")
)

// Checksum returns FC's codeChecksum of data: CRC-64/XZ (ECMA-182
// polynomial, reflected, all-ones init and final xor) as a decimal string.
func Checksum(data []byte) string {
	return formatChecksum(crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)))
}

// ValidateChecksum checks that s is a checksum as Checksum prints it: decimal
// digits only, no sign, no leading zeros, at most 2^64-1. Backends call it
// before using a checksum in a path or key, so nothing can escape their
// namespace.
func ValidateChecksum(s string) error {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || formatChecksum(v) != s {
		return fmt.Errorf("%w: %q", ErrInvalidChecksum, s)
	}
	return nil
}

func newHash() hash.Hash64 {
	return crc64.New(crc64.MakeTable(crc64.ECMA))
}

func formatChecksum(v uint64) string {
	return strconv.FormatUint(v, 10)
}
