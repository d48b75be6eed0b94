// Package blob holds function code: zip packages addressed by their checksum.
//
// A package's checksum is FC's codeChecksum: the CRC-64/XZ of the zip bytes
// (Go's crc64 with the ECMA table) printed as a decimal string. Packages are
// immutable and deduplicated: the same bytes always have the same address,
// and a Store never holds bytes under a checksum they do not have.
//
// The package has three parts:
//
//   - Store, the contract of the code store (backends: fs, later s3), with
//     the conformance suite in blobtest.
//   - Inspect and Unpack, which treat every zip as hostile. A package is
//     refused, with an error wrapping ErrInvalid that names the entry, when it
//     is corrupt, when a name or a symbolic link would reach outside the
//     package root, when it holds special files or duplicate names, or when it
//     exceeds Limits (entries, unpacked bytes, compression ratio). Sizes are
//     checked as declared and again as actually decompressed, and Unpack
//     repeats every check while it writes: it never relies on an earlier
//     Inspect.
//   - Cache, a node's size-bounded cache of unpacked packages, shared by the
//     instances that run them.
//
// Names in a package use '/' as the separator; '\' is treated as a separator
// too, because zips made on Windows use it and a check that ignored it could
// be fooled. Unpacked files are 0644, or 0755 when the zip marks them
// executable; directories are 0755; nothing is group- or world-writable and
// setuid, setgid and sticky bits are dropped.
package blob
