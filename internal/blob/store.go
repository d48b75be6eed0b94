package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ErrNotFound: no package has the checksum.
var ErrNotFound = errors.New("code package not found")

// Store keeps code packages by checksum. Every method first checks the
// checksum with ValidateChecksum (failing with ErrInvalidChecksum), so a
// backend can use it as a file or object name. Implementations are safe for
// concurrent use; blobtest is the suite every backend passes.
type Store interface {
	// Put stores data under checksum, which must be Checksum(data)
	// (ErrChecksumMismatch otherwise). It is idempotent, and the package is
	// durable when Put returns.
	Put(ctx context.Context, checksum string, data []byte) error
	// Open reads a package; ErrNotFound if there is none.
	Open(ctx context.Context, checksum string) (io.ReadCloser, error)
	// Size returns the package's length in bytes; ErrNotFound if there is
	// none.
	Size(ctx context.Context, checksum string) (int64, error)
	// Delete removes a package. Deleting a missing package is not an error,
	// so a collector can retry.
	Delete(ctx context.Context, checksum string) error
}

// CheckPut is what every Store.Put checks before it writes.
func CheckPut(checksum string, data []byte) error {
	if err := ValidateChecksum(checksum); err != nil {
		return err
	}
	if got := Checksum(data); got != checksum {
		return fmt.Errorf("%w: data has checksum %s, not %s", ErrChecksumMismatch, got, checksum)
	}
	return nil
}
