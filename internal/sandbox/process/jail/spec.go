package jail

import (
	"fmt"
	"path/filepath"
)

// Spec is everything the init of one jail needs. It travels to the child as
// JSON on file descriptor 3.
type Spec struct {
	// Root is an empty host directory on which the jail's root tmpfs is
	// mounted (in the jail's own mount namespace: the host never sees it).
	Root string
	// Binds are host paths shown read-only inside, in order.
	Binds []Bind
	// Links are symbolic links made in the root (for /bin → usr/bin).
	Links []Link
	// Files are small files written into the root before it turns read-only.
	Files []File
	// TmpBytes is the size of the writable tmpfs at /tmp; ShmBytes of /dev/shm.
	TmpBytes, ShmBytes int64
	Hostname           string
	UID, GID           int
	// Argv is the program and its arguments, as seen inside; a program
	// without a slash is looked up in Env's PATH. Env is its whole
	// environment and Dir its working directory.
	Argv []string
	Env  []string
	Dir  string
	// Check makes the init stop after the last step before execve and report
	// success instead: Probe uses it to test what the host allows.
	Check bool
}

// Bind shows the host path Source at Target inside, read-only, nosuid and
// nodev. A Source that is a file is bound onto a file.
type Bind struct {
	Source, Target string
	// Dev keeps device nodes usable (for /dev/null and the like).
	Dev bool
}

// Link is a symbolic link at Path inside, pointing to Target.
type Link struct{ Path, Target string }

// File is a file at Path inside with Data and permission bits Mode.
type File struct {
	Path string
	Data []byte
	Mode uint32
}

// Validate reports the first malformed field: every path inside must be
// absolute and clean, and the root a host directory.
func (s *Spec) Validate() error {
	if !filepath.IsAbs(s.Root) {
		return fmt.Errorf("jail spec: Root %q is not an absolute path", s.Root)
	}
	var inside []string
	for _, b := range s.Binds {
		if !filepath.IsAbs(b.Source) {
			return fmt.Errorf("jail spec: bind source %q is not an absolute path", b.Source)
		}
		inside = append(inside, b.Target)
	}
	for _, l := range s.Links {
		inside = append(inside, l.Path)
	}
	for _, f := range s.Files {
		inside = append(inside, f.Path)
	}
	for _, p := range append(inside, s.Dir) {
		if !filepath.IsAbs(p) || filepath.Clean(p) != p || p == "/" {
			return fmt.Errorf("jail spec: path %q is not an absolute, clean path below /", p)
		}
	}
	if len(s.Argv) == 0 {
		return fmt.Errorf("jail spec: Argv is empty")
	}
	if s.UID <= 0 || s.GID <= 0 {
		return fmt.Errorf("jail spec: uid %d gid %d, want unprivileged ids", s.UID, s.GID)
	}
	return nil
}
