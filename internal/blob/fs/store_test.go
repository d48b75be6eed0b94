package fs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/blob/blobtest"
)

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := New(filepath.Join(t.TempDir(), "code"))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s
	})
}

func TestLayout(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	data := []byte("zip bytes")
	sum := blob.Checksum(data)
	if err := s.Put(context.Background(), sum, data); err != nil {
		t.Fatalf("Put: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, sum+".zip"))
	if err != nil {
		t.Fatalf("stored file: %v", err)
	}
	if got := fi.Mode().Perm(); got != 0o644 {
		t.Errorf("stored file mode: got %v, want 0644", got)
	}
	if left := dirNames(t, filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("tmp after Put: got %v, want empty", left)
	}
}

func TestNewClearsTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(dir); err != nil {
		t.Fatalf("New: %v", err)
	}
	stale := filepath.Join(dir, "tmp", "123.zip-crashed")
	if err := os.WriteFile(stale, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(dir); err != nil {
		t.Fatalf("second New: %v", err)
	}
	if left := dirNames(t, filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("tmp after New: got %v, want empty", left)
	}
}

func TestPutCanceled(t *testing.T) {
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := []byte("late")
	if err := s.Put(ctx, blob.Checksum(data), data); err != context.Canceled {
		t.Fatalf("Put with a canceled context: got %v, want context.Canceled", err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
