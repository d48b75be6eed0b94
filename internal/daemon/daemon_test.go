package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/scheduler"
)

func newConfig(t *testing.T, dataDir string) Config {
	return Config{DataDir: dataDir, Listen: "127.0.0.1:0", ClientConfigPath: filepath.Join(t.TempDir(), "config.json")}
}

// TestFirstStart: a node creates an admin key on first start, writes a
// working CLI config, and keeps the same key across restarts.
func TestFirstStart(t *testing.T) {
	dataDir := t.TempDir()
	cfg := newConfig(t, dataDir)
	d := start(t, cfg)
	written, err := client.LoadConfig(cfg.ClientConfigPath)
	if err != nil {
		t.Fatalf("client config: %v", err)
	}
	if fi, _ := os.Stat(cfg.ClientConfigPath); fi.Mode().Perm() != 0o600 {
		t.Errorf("client config mode: got %v, want 0600", fi.Mode().Perm())
	}
	if written.Endpoint != d.Endpoint() || !strings.HasPrefix(written.AccessKeyID, "YUN") || len(written.AccountID) != 16 {
		t.Errorf("client config: got %+v, want this node's endpoint, a YUN key and a 16-digit account", written)
	}
	if _, err := written.Client().ListFunctions(context.Background(), client.ListOptions{}); err != nil {
		t.Errorf("the written config does not work: %v", err)
	}
	stop(t, d)

	d = start(t, newConfig(t, dataDir))
	if got := d.ClientConfig(); got.AccessKeyID != written.AccessKeyID || got.AccountID != written.AccountID {
		t.Errorf("after restart: got key %s account %s, want %s %s", got.AccessKeyID, got.AccountID, written.AccessKeyID, written.AccountID)
	}
	stop(t, d)
}

// TestConfiguredAdminKey: the key pair from the environment becomes the
// admin key; a later start with another secret for that id is refused.
func TestConfiguredAdminKey(t *testing.T) {
	dataDir := t.TempDir()
	cfg := newConfig(t, dataDir)
	cfg.AdminAccessKeyID, cfg.AdminAccessKeySecret = "MYADMINKEY", "my-secret-0123456789"
	d := start(t, cfg)
	c := client.New(d.Endpoint(), "MYADMINKEY", "my-secret-0123456789")
	if _, err := c.ListFunctions(context.Background(), client.ListOptions{}); err != nil {
		t.Errorf("configured key does not work: %v", err)
	}
	stop(t, d)

	cfg.AdminAccessKeySecret = "another-secret"
	if d, err := New(cfg); err == nil {
		d.Shutdown(context.Background())
		t.Fatalf("a start with another secret for the configured key succeeded, want an error")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad listen", Config{DataDir: "x", Listen: "nope"}, "Listen"},
		{"half a key pair", Config{DataDir: "x", AdminAccessKeyID: "K"}, "AdminAccessKeySecret"},
		{"negative keep-alive", Config{DataDir: "x", KeepAlive: -1}, "KeepAlive"},
		{"negative busy poll", Config{DataDir: "x", BusyPoll: -time.Microsecond}, "BusyPoll"},
		{"unknown keep-alive policy", Config{DataDir: "x", KeepAlivePolicy: "lru"}, "KeepAlivePolicy"},
		{"target utilisation beyond 1", Config{DataDir: "x", Scaling: scheduler.Config{TargetUtilization: 1.5}}, "TargetUtilization"},
		{"bad instance deny prefix", Config{DataDir: "x", InstanceDeny: []string{"10.0.0.0/33"}}, "InstanceDeny"},
		{"negative queue wait", Config{DataDir: "x", Scaling: scheduler.Config{MaxQueueWait: -time.Second}}, "MaxQueueWait"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

func start(t *testing.T, cfg Config) *Daemon {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := d.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { d.Shutdown(context.Background()) })
	return d
}

func stop(t *testing.T, d *Daemon) {
	t.Helper()
	if err := d.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}
