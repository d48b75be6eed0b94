package process

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// interpreter is a language runtime found on this host. A zero path means
// there is none.
type interpreter struct {
	path         string
	major, minor int
}

// customRuntimes are always offered: they need nothing from the host.
var customRuntimes = []string{"custom", "custom.debian10", "custom.debian11", "custom.debian12"}

// findNode returns the configured node or the one on PATH, symlinks resolved.
func findNode(configured string) (interpreter, error) {
	path := configured
	if path == "" {
		found, err := exec.LookPath("node")
		if err != nil {
			return interpreter{}, nil
		}
		path = found
	}
	return probe(path, "--version")
}

// findPython returns the configured python or the first real python3 found.
// The pyenv shim is never used.
func findPython(configured string) (interpreter, error) {
	if configured != "" {
		return probe(configured, "--version")
	}
	candidates := []string{"/usr/bin/python3", "/usr/local/bin/python3"}
	if found, err := exec.LookPath("python3"); err == nil && !strings.Contains(found, "/shims/") {
		candidates = append(candidates, found)
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return probe(c, "--version")
		}
	}
	return interpreter{}, nil
}

// probe resolves path and asks the interpreter its version, in a clean
// environment (a host's NODE_OPTIONS or PYTHONSTARTUP must not interfere).
func probe(path, flag string) (interpreter, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return interpreter{}, fmt.Errorf("interpreter %q: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, resolved, flag)
	cmd.Env = []string{"PATH=" + defaultPath, "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return interpreter{}, fmt.Errorf("interpreter %q %s: %w: %s", resolved, flag, err, out)
	}
	major, minor, err := parseVersion(string(out))
	if err != nil {
		return interpreter{}, fmt.Errorf("interpreter %q: %w", resolved, err)
	}
	return interpreter{path: resolved, major: major, minor: minor}, nil
}

// parseVersion reads "v20.20.2" (node) or "Python 3.11.2" (python).
func parseVersion(out string) (major, minor int, err error) {
	s := strings.TrimSpace(out)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "Python "), "v")
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("unrecognised version %q", out)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("unrecognised version %q", out)
	}
	return major, minor, nil
}

// runtimeNames lists the FC runtime names this host can honestly run.
//
// Node.js: only the name of the installed major version (node 20 offers
// nodejs20), since majors differ in behaviour users rely on.
// Python: "python3" and every python3.N that FC knows with N up to the host's
// minor version. CPython minor releases keep code written for older ones
// working far more often than not, so a 3.11 host offers python3.9, 3.10
// and 3.11; it never offers a newer minor, whose syntax it may not parse.
// Custom runtimes are always offered.
func runtimeNames(node, python interpreter) []string {
	var names []string
	if node.path != "" {
		if name := fmt.Sprintf("nodejs%d", node.major); fc.RuntimeKind(name) == fc.KindNode {
			names = append(names, name)
		}
	}
	if python.path != "" && python.major == 3 {
		names = append(names, "python3")
		for minor := 0; minor <= python.minor; minor++ {
			if name := fmt.Sprintf("python3.%d", minor); fc.RuntimeKind(name) == fc.KindPython {
				names = append(names, name)
			}
		}
	}
	return append(names, customRuntimes...)
}
