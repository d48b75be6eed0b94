package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Config is the CLI's client configuration file: where the API is and which
// access key to sign with. It holds a secret, so Save writes it readable by
// its owner only.
type Config struct {
	Endpoint        string `json:"endpoint"` // e.g. http://127.0.0.1:9000
	AccessKeyID     string `json:"accessKeyId"`
	AccessKeySecret string `json:"accessKeySecret"`
	AccountID       string `json:"accountId,omitempty"`
}

// Validate reports a missing field or an endpoint New would refuse. It
// never prints the secret.
func (c *Config) Validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("config: endpoint is empty")
	case c.AccessKeyID == "":
		return errors.New("config: accessKeyId is empty")
	case c.AccessKeySecret == "":
		return errors.New("config: accessKeySecret is empty")
	}
	if _, err := parseEndpoint(c.Endpoint); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// Client returns a client of the configured endpoint and key.
func (c *Config) Client() *Client { return New(c.Endpoint, c.AccessKeyID, c.AccessKeySecret) }

// DefaultConfigPath is $YUN_CONFIG if set, else $XDG_CONFIG_HOME/yun/config.json,
// else $HOME/.config/yun/config.json.
func DefaultConfigPath() string {
	if p := os.Getenv("YUN_CONFIG"); p != "" {
		return p
	}
	if dir := os.Getenv("XDG_CONFIG_HOME"); dir != "" {
		return filepath.Join(dir, "yun", "config.json")
	}
	return filepath.Join(os.Getenv("HOME"), ".config", "yun", "config.json")
}

// LoadConfig reads a configuration file. A missing file gives an error
// wrapping fs.ErrNotExist.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &c, nil
}

// Save writes the configuration atomically (a temporary file renamed over
// path) with mode 0600, creating its directory with mode 0700 if needed.
func (c *Config) Save(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if err := writeAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// writeAtomic writes data to a 0600 temporary file beside path, syncs it and
// renames it over path, so that readers see the old file or the new one.
func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
