package client

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "yun", "config.json")
	want := Config{Endpoint: "http://127.0.0.1:9000", AccessKeyID: "LTAI5tKey", AccessKeySecret: "s3cret", AccountID: "123"}
	for i, cfg := range []Config{{Endpoint: "http://old", AccessKeyID: "old", AccessKeySecret: "old"}, want} {
		if err := cfg.Save(path); err != nil {
			t.Fatalf("Save #%d = %v, want nil", i+1, err)
		}
	}
	got, err := LoadConfig(path)
	if err != nil {
		t.Fatalf("LoadConfig = %v, want nil", err)
	}
	if *got != want {
		t.Errorf("LoadConfig = %+v, want %+v", *got, want)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"endpoint"`, `"accessKeyId"`, `"accessKeySecret"`, `"accountId"`} {
		if !strings.Contains(string(raw), field) {
			t.Errorf("file %s lacks the field %s", raw, field)
		}
	}
	modes := []struct {
		path string
		want fs.FileMode
	}{{path, 0o600}, {filepath.Dir(path), 0o700}, {filepath.Dir(filepath.Dir(path)), 0o700}}
	for _, m := range modes {
		info, err := os.Stat(m.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != m.want {
			t.Errorf("mode of %s = %o, want %o", m.path, got, m.want)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only config.json (no temporary files)", len(entries))
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	malformed := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(malformed, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadConfig(missing) = %v, want fs.ErrNotExist", err)
	}
	if _, err := LoadConfig(malformed); err == nil || !strings.Contains(err.Error(), malformed) {
		t.Errorf("LoadConfig(malformed) = %v, want an error naming %s", err, malformed)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Endpoint: "127.0.0.1:9000", AccessKeyID: "k", AccessKeySecret: "very-secret"}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"valid", func(*Config) {}, ""},
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, "endpoint is empty"},
		{"bad endpoint", func(c *Config) { c.Endpoint = "ftp://x" }, `endpoint "ftp://x"`},
		{"no key", func(c *Config) { c.AccessKeyID = "" }, "accessKeyId is empty"},
		{"no secret", func(c *Config) { c.AccessKeySecret = "" }, "accessKeySecret is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.change(&cfg)
			err := cfg.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "very-secret") {
				t.Errorf("Validate() = %v, which shows the secret", err)
			}
		})
	}
}

func TestDefaultConfigPath(t *testing.T) {
	tests := []struct {
		name, yun, xdg, home, want string
	}{
		{"YUN_CONFIG wins", "/etc/yun.json", "/xdg", "/home/u", "/etc/yun.json"},
		{"XDG_CONFIG_HOME", "", "/xdg", "/home/u", "/xdg/yun/config.json"},
		{"HOME", "", "", "/home/u", "/home/u/.config/yun/config.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("YUN_CONFIG", tt.yun)
			t.Setenv("XDG_CONFIG_HOME", tt.xdg)
			t.Setenv("HOME", tt.home)
			if got := DefaultConfigPath(); got != tt.want {
				t.Errorf("DefaultConfigPath() = %q, want %q", got, tt.want)
			}
		})
	}
}
