package workload

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/yun-fc/yun/internal/client"
)

func TestZipDir(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "lib"), 0o755)
	os.WriteFile(filepath.Join(dir, "index.js"), []byte("exports.handler = 1;"), 0o644)
	os.WriteFile(filepath.Join(dir, "lib", "run"), []byte("#!/bin/sh\n"), 0o755)
	b64, err := ZipDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = string(b)
		if f.Name == "lib/run" && f.Mode().Perm()&0o100 == 0 {
			t.Errorf("lib/run mode %v, want executable kept", f.Mode())
		}
	}
	if len(got) != 2 || got["index.js"] != "exports.handler = 1;" || got["lib/run"] != "#!/bin/sh\n" {
		t.Errorf("zip holds %v, want index.js and lib/run", got)
	}
}

func TestClassify(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name       string
		ctx        context.Context
		err        error
		wantCode   string
		wantStatus int
	}{
		{"FC error", context.Background(), &client.Error{Status: 503, Code: "ResourceThrottled"}, "ResourceThrottled", 503},
		{"HTTP error without code", context.Background(), &client.Error{Status: 502}, "HTTP502", 502},
		{"time-out", cancelled, errors.New("context canceled"), CodeTimeout, 0},
		{"transport", context.Background(), errors.New("connection refused"), CodeTransport, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.ctx, tt.err)
			if got.Code != tt.wantCode || got.Status != tt.wantStatus {
				t.Errorf("Classify = %+v, want code %q status %d", got, tt.wantCode, tt.wantStatus)
			}
		})
	}
}

func TestFunctions(t *testing.T) {
	repo := filepath.Join("..", "..", "..")
	slow, err := NodeSlow(repo, "s", 10, Size{MemoryMB: 128})
	if err != nil {
		t.Fatal(err)
	}
	if *slow.Runtime != "nodejs20" || *slow.InstanceConcurrency != 10 || slow.CPU != nil || slow.Code.ZipFile == "" {
		t.Errorf("NodeSlow = %+v, want nodejs20, concurrency 10, no cpu, code", slow)
	}
	echo, err := EchoPort(repo, "e", 16, Size{MemoryMB: 4096, CPU: 2})
	if err != nil {
		t.Fatal(err)
	}
	if *echo.Runtime != "custom.debian12" || *echo.CPU != 2 || echo.CustomRuntimeConfig.Command[0] != "node" {
		t.Errorf("EchoPort = %+v, want a custom runtime running node with cpu 2", echo)
	}
}
