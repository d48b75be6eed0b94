package process

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		out          string
		major, minor int
		ok           bool
	}{
		{"v20.20.2\n", 20, 20, true},
		{"Python 3.11.2\n", 3, 11, true},
		{"Python 3.12.0rc1", 3, 12, true},
		{"v22", 0, 0, false},
		{"", 0, 0, false},
		{"node: command not found", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.out, func(t *testing.T) {
			major, minor, err := parseVersion(tt.out)
			if (err == nil) != tt.ok || major != tt.major || minor != tt.minor {
				t.Errorf("parseVersion(%q) = %d, %d, %v; want %d, %d, ok %v", tt.out, major, minor, err, tt.major, tt.minor, tt.ok)
			}
		})
	}
}

func TestRuntimeNames(t *testing.T) {
	custom := []string{"custom", "custom.debian10", "custom.debian11", "custom.debian12"}
	tests := []struct {
		name         string
		node, python interpreter
		want         []string
	}{
		{"nothing", interpreter{}, interpreter{}, custom},
		{"node 20, python 3.11", interpreter{"/n", 20, 2}, interpreter{"/p", 3, 11},
			append([]string{"nodejs20", "python3", "python3.9", "python3.10", "python3.11"}, custom...)},
		{"python 3.9 only", interpreter{}, interpreter{"/p", 3, 9}, append([]string{"python3", "python3.9"}, custom...)},
		{"a node FC does not know", interpreter{"/n", 21, 0}, interpreter{}, custom},
		{"python 2", interpreter{}, interpreter{"/p", 2, 7}, custom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runtimeNames(tt.node, tt.python); !slices.Equal(got, tt.want) {
				t.Errorf("runtimeNames = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFindInterpretersResolveRealBinaries(t *testing.T) {
	for name, find := range map[string]func(string) (interpreter, error){"node": findNode, "python": findPython} {
		t.Run(name, func(t *testing.T) {
			got, err := find("")
			if err != nil {
				t.Fatalf("find = %v, want nil", err)
			}
			if got.path == "" {
				t.Skipf("no %s on this host", name)
			}
			fi, err := os.Lstat(got.path)
			if err != nil || !filepath.IsAbs(got.path) || fi.Mode()&os.ModeSymlink != 0 || strings.Contains(got.path, "/shims/") {
				t.Errorf("found %q (lstat err %v), want an absolute, resolved, non-shim path", got.path, err)
			}
		})
	}
}
