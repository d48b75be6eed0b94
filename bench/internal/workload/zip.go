package workload

import (
	"encoding/base64"
	"fmt"

	"github.com/yun-fc/yun/internal/blob"
)

// ZipDir returns the base64 zip of the regular files under dir, named
// relative to it with their modes, as code.zipFile wants it.
func ZipDir(dir string) (string, error) {
	data, err := blob.ZipDir(dir)
	if err != nil {
		return "", fmt.Errorf("zip %s: %w", dir, err)
	}
	return base64.StdEncoding.EncodeToString(data), nil
}
