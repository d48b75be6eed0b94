package workload

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ZipDir returns the base64 zip of the regular files under dir, named
// relative to it with their modes, as code.zipFile wants it.
func ZipDir(dir string) (string, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return addFile(zw, dir, path, d)
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return "", fmt.Errorf("zip %s: %w", dir, err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

func addFile(zw *zip.Writer, root, path string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	h, err := zip.FileInfoHeader(info)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return err
	}
	h.Name, h.Method = filepath.ToSlash(rel), zip.Deflate
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
