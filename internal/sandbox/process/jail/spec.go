package jail

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Spec is everything the init of one jail needs. It travels to the child as
// JSON on file descriptor 3.
type Spec struct {
	// Root is an empty host directory on which the jail's root tmpfs is
	// mounted (in the jail's own mount namespace: the host never sees it).
	Root string
	// Binds are host paths shown read-only inside, in order.
	Binds []Bind
	// Overlays are read-only overlay filesystems made of host directories
	// (function layers under /opt), mounted after Binds.
	Overlays []Overlay
	// Links are symbolic links made in the root (for /bin → usr/bin).
	Links []Link
	// Files are small files written into the root before it turns read-only.
	Files []File
	// TmpBytes is the size of the writable tmpfs at /tmp; ShmBytes of /dev/shm.
	TmpBytes, ShmBytes int64
	// TmpFromHost leaves /tmp to a Receive bind: the host mounts the tmpfs
	// later (a pre-warmed jail gets its function's diskSize when claimed).
	TmpFromHost bool
	Hostname    string
	UID, GID    int
	// Argv is the program and its arguments, as seen inside; a program
	// without a slash is looked up in Env's PATH. Env is its whole
	// environment and Dir its working directory.
	Argv []string
	Env  []string
	Dir  string
	// Deferred makes the init build the jail and then wait for an Exec
	// (Launch.Exec) before it starts a program: a pre-warmed jail whose
	// program is not known yet. Argv, Env and Dir are then unused.
	Deferred bool
	// UserNamespace starts the program in a user namespace of its own, in
	// which only UID and GID are mapped (to themselves): its view and its
	// rights are the same, but no capability it could gain there reaches the
	// jail's other namespaces, which the initial user namespace owns
	// (userns_linux.go). Host.UserNamespaces says whether this host can.
	UserNamespace bool
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
	// Receive makes the bind a slave of Source, which must be a shared
	// mount (MakeSlot): what the host later mounts on Source appears at
	// Target with the flags the host gave it, and nothing made inside
	// propagates back. Pre-warmed jails get their code, layers and /tmp so.
	Receive bool
}

// Overlay shows the host directories Lower at Target, merged and
// read-only; a later directory's files cover an earlier one's.
type Overlay struct {
	Lower  []string
	Target string
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
	for _, o := range s.Overlays {
		if len(o.Lower) == 0 {
			return fmt.Errorf("jail spec: overlay on %q has no directory", o.Target)
		}
		for _, l := range o.Lower {
			if !filepath.IsAbs(l) || strings.ContainsAny(l, ":,\\") {
				return fmt.Errorf("jail spec: overlay directory %q is not an absolute path without ':', ',' or '\\'", l)
			}
		}
		inside = append(inside, o.Target)
	}
	for _, l := range s.Links {
		inside = append(inside, l.Path)
	}
	for _, f := range s.Files {
		inside = append(inside, f.Path)
	}
	if !s.Deferred {
		inside = append(inside, s.Dir)
	}
	for _, p := range inside {
		if !filepath.IsAbs(p) || filepath.Clean(p) != p || p == "/" {
			return fmt.Errorf("jail spec: path %q is not an absolute, clean path below /", p)
		}
	}
	if len(s.Argv) == 0 && !s.Deferred {
		return fmt.Errorf("jail spec: Argv is empty")
	}
	if s.UID <= 0 || s.GID <= 0 {
		return fmt.Errorf("jail spec: uid %d gid %d, want unprivileged ids", s.UID, s.GID)
	}
	return nil
}

// Exec is the program a Deferred jail starts: as Spec's Argv, Env and Dir.
type Exec struct {
	Argv []string
	Env  []string
	Dir  string
}

// Validate reports the first malformed field.
func (e *Exec) Validate() error {
	if len(e.Argv) == 0 {
		return fmt.Errorf("jail exec: Argv is empty")
	}
	if !filepath.IsAbs(e.Dir) || filepath.Clean(e.Dir) != e.Dir {
		return fmt.Errorf("jail exec: Dir %q is not an absolute, clean path", e.Dir)
	}
	return nil
}
