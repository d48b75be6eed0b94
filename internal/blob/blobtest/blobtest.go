// Package blobtest is the conformance suite of blob.Store: every backend
// runs Run against fresh, empty stores.
package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/yun-fc/yun/internal/blob"
)

// Run tests a blob.Store. newStore returns a new, empty store; Run cleans
// nothing up, so newStore should register its own cleanup with t.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s blob.Store)
	}{
		{"PutThenOpen", testPutThenOpen},
		{"PutIsIdempotent", testPutIsIdempotent},
		{"PutChecksumMismatch", testPutChecksumMismatch},
		{"Missing", testMissing},
		{"Delete", testDelete},
		{"InvalidChecksums", testInvalidChecksums},
		{"ConcurrentPuts", testConcurrentPuts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func put(t *testing.T, s blob.Store, data []byte) string {
	t.Helper()
	sum := blob.Checksum(data)
	if err := s.Put(context.Background(), sum, data); err != nil {
		t.Fatalf("Put(%s): %v", sum, err)
	}
	return sum
}

// wantContent checks that the package sum reads back as want, by Open and
// by Size.
func wantContent(t *testing.T, s blob.Store, sum string, want []byte) {
	t.Helper()
	ctx := context.Background()
	rc, err := s.Open(ctx, sum)
	if err != nil {
		t.Fatalf("Open(%s): %v", sum, err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading %s: %v", sum, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Open(%s) read %q, want %q", sum, got, want)
	}
	size, err := s.Size(ctx, sum)
	if err != nil || size != int64(len(want)) {
		t.Errorf("Size(%s) = %d, %v; want %d, nil", sum, size, err, len(want))
	}
}

func testPutThenOpen(t *testing.T, s blob.Store) {
	a, b := []byte("package a"), []byte("package b, longer")
	sumA, sumB := put(t, s, a), put(t, s, b)
	wantContent(t, s, sumA, a)
	wantContent(t, s, sumB, b)
	wantContent(t, s, put(t, s, nil), nil)
}

func testPutIsIdempotent(t *testing.T, s blob.Store) {
	data := []byte("same bytes twice")
	first := put(t, s, data)
	if second := put(t, s, data); second != first {
		t.Fatalf("second Put used checksum %s, want %s", second, first)
	}
	wantContent(t, s, first, data)
}

func testPutChecksumMismatch(t *testing.T, s blob.Store) {
	ctx := context.Background()
	wrong := blob.Checksum([]byte("other bytes"))
	err := s.Put(ctx, wrong, []byte("these bytes"))
	if !errors.Is(err, blob.ErrChecksumMismatch) {
		t.Fatalf("Put under a wrong checksum: got %v, want ErrChecksumMismatch", err)
	}
	if _, err := s.Size(ctx, wrong); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Size after refused Put: got %v, want ErrNotFound", err)
	}
}

func testMissing(t *testing.T, s blob.Store) {
	ctx := context.Background()
	sum := blob.Checksum([]byte("never stored"))
	if rc, err := s.Open(ctx, sum); !errors.Is(err, blob.ErrNotFound) {
		if rc != nil {
			rc.Close()
		}
		t.Errorf("Open of a missing package: got %v, want ErrNotFound", err)
	}
	if _, err := s.Size(ctx, sum); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Size of a missing package: got %v, want ErrNotFound", err)
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	kept, gone := []byte("kept"), []byte("gone")
	sumKept, sumGone := put(t, s, kept), put(t, s, gone)
	if err := s.Delete(ctx, sumGone); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Size(ctx, sumGone); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Size after Delete: got %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, sumGone); err != nil {
		t.Errorf("second Delete: got %v, want nil", err)
	}
	wantContent(t, s, sumKept, kept)
	put(t, s, gone)
	wantContent(t, s, sumGone, gone)
}

func testInvalidChecksums(t *testing.T, s blob.Store) {
	ctx := context.Background()
	for _, sum := range []string{"", "../1", "1/2", "12a", "-1", "+1", "01", " 1", "18446744073709551616"} {
		t.Run(sum, func(t *testing.T) {
			if err := s.Put(ctx, sum, nil); !errors.Is(err, blob.ErrInvalidChecksum) {
				t.Errorf("Put: got %v, want ErrInvalidChecksum", err)
			}
			if rc, err := s.Open(ctx, sum); !errors.Is(err, blob.ErrInvalidChecksum) {
				if rc != nil {
					rc.Close()
				}
				t.Errorf("Open: got %v, want ErrInvalidChecksum", err)
			}
			if _, err := s.Size(ctx, sum); !errors.Is(err, blob.ErrInvalidChecksum) {
				t.Errorf("Size: got %v, want ErrInvalidChecksum", err)
			}
			if err := s.Delete(ctx, sum); !errors.Is(err, blob.ErrInvalidChecksum) {
				t.Errorf("Delete: got %v, want ErrInvalidChecksum", err)
			}
		})
	}
}

func testConcurrentPuts(t *testing.T, s blob.Store) {
	data := bytes.Repeat([]byte("concurrent "), 10_000)
	sum := blob.Checksum(data)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() { errs <- s.Put(context.Background(), sum, data) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Put: %v", err)
		}
	}
	wantContent(t, s, sum, data)
}
