package jail

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// runtimeDirs are the host directories a jail's root is made of. Where the
// host has a symbolic link (/bin → usr/bin on merged-/usr systems), the jail
// gets the same link.
var runtimeDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// etcFiles are what programs read from /etc: the dynamic linker's cache,
// certificates, time zone, name service and MIME configuration. Not the
// whole /etc: the host's users, shadow passwords and secrets stay out, and
// passwd, group, hosts and hostname are the jail's own (IdentityFiles).
var etcFiles = []string{
	"ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives",
	"ssl", "ca-certificates", "ca-certificates.conf", "pki", "crypto-policies",
	"localtime", "timezone", "nsswitch.conf", "host.conf", "gai.conf", "protocols", "services",
	"mime.types", "os-release", "debian_version", "lsb-release",
}

// HostRuntime returns the binds and links that show the host's runtime
// directories in a jail, plus extra directories (an interpreter installed
// outside them), all read-only.
func HostRuntime(extra ...string) ([]Bind, []Link, error) {
	var binds []Bind
	var links []Link
	for _, dir := range runtimeDirs {
		fi, err := os.Lstat(dir)
		switch {
		case err != nil:
			continue
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(dir)
			if err != nil {
				return nil, nil, fmt.Errorf("host runtime: %w", err)
			}
			links = append(links, Link{Path: dir, Target: target})
		case fi.IsDir():
			binds = append(binds, Bind{Source: dir, Target: dir})
		}
	}
	for _, name := range etcFiles {
		if path := filepath.Join("/etc", name); exists(path) {
			binds = append(binds, Bind{Source: path, Target: path})
		}
	}
	for _, dir := range extra {
		if !covered(dir, binds) {
			binds = append(binds, Bind{Source: dir, Target: dir})
		}
	}
	return binds, links, nil
}

// covered says whether dir lies within one of binds.
func covered(dir string, binds []Bind) bool {
	for _, b := range binds {
		if dir == b.Target || strings.HasPrefix(dir, b.Target+"/") {
			return true
		}
	}
	return false
}

// IdentityFiles are the jail's /etc/passwd, group, hosts and hostname: the
// jail's user (named "user", home /tmp) and root, and the hostname on
// loopback.
func IdentityFiles(hostname string, uid, gid int) []File {
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/usr/sbin/nologin\nuser:x:%d:%d:user:/tmp:/usr/sbin/nologin\n"+
		"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", uid, gid)
	group := fmt.Sprintf("root:x:0:\nuser:x:%d:\nnogroup:x:65534:\n", gid)
	hosts := "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n"
	return []File{
		{Path: "/etc/passwd", Data: []byte(passwd), Mode: 0o444},
		{Path: "/etc/group", Data: []byte(group), Mode: 0o444},
		{Path: "/etc/hosts", Data: []byte(hosts), Mode: 0o444},
		{Path: "/etc/hostname", Data: []byte(hostname + "\n"), Mode: 0o444},
	}
}
