package blob

import (
	"fmt"
	"math/bits"
)

// Defaults for the zero fields of Limits.
const (
	// DefaultMaxUnpacked is FC's limit on a function's unpacked code: 500 MB.
	DefaultMaxUnpacked = 500 << 20
	// DefaultMaxFiles accepts the largest real node_modules trees (tens of
	// thousands of files) and stops archives of millions of empty entries.
	DefaultMaxFiles = 50_000
	// DefaultMaxRatio is just under deflate's ceiling (about 1032:1), so it
	// refuses only entries that are nothing but one repeated byte, or whose
	// declared size is a lie.
	DefaultMaxRatio = 1000
)

// ratioFloor is the unpacked size below which an entry's compression ratio
// is not checked: small files of repeated bytes are common and harmless.
const ratioFloor = 1 << 20

// Limits bound what a code package may unpack to. The zero value of a field
// means its default.
type Limits struct {
	// MaxUnpacked bounds the total bytes of all files, as declared and as
	// actually decompressed. Default DefaultMaxUnpacked.
	MaxUnpacked int64
	// MaxFiles bounds the number of entries: files, directories and symbolic
	// links. Default DefaultMaxFiles.
	MaxFiles int
	// MaxRatio bounds unpacked:compressed bytes of each entry larger than
	// 1 MiB. Default DefaultMaxRatio.
	MaxRatio int64
}

// Validate reports a negative field.
func (l Limits) Validate() error {
	switch {
	case l.MaxUnpacked < 0:
		return fmt.Errorf("blob limits: MaxUnpacked %d is negative", l.MaxUnpacked)
	case l.MaxFiles < 0:
		return fmt.Errorf("blob limits: MaxFiles %d is negative", l.MaxFiles)
	case l.MaxRatio < 0:
		return fmt.Errorf("blob limits: MaxRatio %d is negative", l.MaxRatio)
	}
	return nil
}

// withDefaults validates l and fills its zero fields.
func (l Limits) withDefaults() (Limits, error) {
	if err := l.Validate(); err != nil {
		return l, err
	}
	if l.MaxUnpacked == 0 {
		l.MaxUnpacked = DefaultMaxUnpacked
	}
	if l.MaxFiles == 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxRatio == 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	return l, nil
}

// ratioExceeded says whether an entry of the given sizes is compressed more
// than MaxRatio allows.
func (l Limits) ratioExceeded(unpacked, compressed uint64) bool {
	if unpacked <= ratioFloor {
		return false
	}
	hi, allowed := bits.Mul64(compressed, uint64(l.MaxRatio))
	return hi == 0 && unpacked > allowed
}
