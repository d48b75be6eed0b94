package blob

import (
	"errors"
	"fmt"
	"strings"
)

// Linux limits on names: NAME_MAX and PATH_MAX without the NUL.
const (
	maxComponentLen = 255
	maxPathLen      = 4095
)

var errEscapes = errors.New("path escapes the package root")

// cleanName turns a zip entry name into a slash-separated path relative to
// the package root, without "." or empty components. The empty result is the
// root itself (an entry such as "./").
func cleanName(raw string) (string, error) {
	if err := checkPathString(raw); err != nil {
		return "", err
	}
	if isAbs(raw) {
		return "", errors.New("absolute path")
	}
	parts := splitPath(raw)
	for _, p := range parts {
		if p == ".." {
			return "", errEscapes
		}
		if len(p) > maxComponentLen {
			return "", fmt.Errorf("name component longer than %d bytes", maxComponentLen)
		}
	}
	return strings.Join(parts, "/"), nil
}

// cleanLinkTarget checks the target of the symbolic link at name (a
// cleanName result) and returns it in the form to write. The target must be
// relative, and its ".." components must all come first and climb no higher
// than the link's own directory. Lexical resolution is sound only under that
// rule: a ".." after a name could follow another link upwards, as in
// "sub/link/..".
func cleanLinkTarget(name, target string) (string, error) {
	if target == "" {
		return "", errors.New("empty symbolic link target")
	}
	if err := checkPathString(target); err != nil {
		return "", fmt.Errorf("symbolic link target: %w", err)
	}
	if isAbs(target) {
		return "", fmt.Errorf("symbolic link target %q is absolute", target)
	}
	parts := splitPath(target)
	ups := 0
	for ups < len(parts) && parts[ups] == ".." {
		ups++
	}
	for _, p := range parts[ups:] {
		if p == ".." {
			return "", fmt.Errorf("symbolic link target %q has \"..\" after a name", target)
		}
	}
	if depth := len(splitPath(name)) - 1; ups > depth {
		return "", fmt.Errorf("symbolic link target %q: %w", target, errEscapes)
	}
	if len(parts) == 0 {
		return ".", nil
	}
	return strings.Join(parts, "/"), nil
}

func checkPathString(s string) error {
	switch {
	case s == "":
		return errors.New("empty name")
	case len(s) > maxPathLen:
		return fmt.Errorf("name longer than %d bytes", maxPathLen)
	case strings.ContainsRune(s, 0):
		return errors.New("name contains a NUL byte")
	}
	return nil
}

// isAbs reports a path that is absolute on Unix or on Windows: a leading
// separator (also "\" and "\\server\share") or a drive letter ("C:").
func isAbs(s string) bool {
	if s[0] == '/' || s[0] == '\\' {
		return true
	}
	return len(s) >= 2 && s[1] == ':' && isASCIILetter(s[0])
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// splitPath splits s at '/' and '\', dropping empty and "." components.
func splitPath(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '\\' })
	parts := fields[:0]
	for _, f := range fields {
		if f != "." {
			parts = append(parts, f)
		}
	}
	return parts
}
