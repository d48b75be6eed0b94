package jail

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// cgroupParent is the directory under each hierarchy that holds Yun's cgroups.
const cgroupParent = "yun"

// cgroupMount is one cgroup file system from mountinfo.
type cgroupMount struct {
	dir     string
	v2      bool
	options []string // v1: the controllers among the super options
}

// detectCgroups picks the cgroup version that has the memory, cpu and pids
// controllers: v1 when they are mounted as v1 hierarchies (a "hybrid" host
// mounts cgroup2 too, without them), else v2.
func detectCgroups(mountinfo io.Reader) (cgroupDriver, error) {
	mounts, err := parseCgroupMounts(mountinfo)
	if err != nil {
		return nil, err
	}
	v1 := map[string]string{}
	var v2 string
	for _, m := range mounts {
		if m.v2 {
			v2 = m.dir
			continue
		}
		for _, c := range m.options {
			if _, seen := v1[c]; !seen {
				v1[c] = m.dir
			}
		}
	}
	if v1["memory"] != "" && v1["cpu"] != "" && v1["pids"] != "" {
		return cgroupV1{memory: filepath.Join(v1["memory"], cgroupParent),
			cpu: filepath.Join(v1["cpu"], cgroupParent), pids: filepath.Join(v1["pids"], cgroupParent)}, nil
	}
	if v2 == "" {
		return nil, fmt.Errorf("no cgroup hierarchy with the memory, cpu and pids controllers is mounted")
	}
	b, err := os.ReadFile(filepath.Join(v2, "cgroup.controllers"))
	if err != nil {
		return nil, fmt.Errorf("cgroup v2 at %s: %w", v2, err)
	}
	for _, c := range v2Controllers {
		if !contains(strings.Fields(string(b)), c) {
			return nil, fmt.Errorf("cgroup v2 at %s lacks the %s controller (has %q)", v2, c, strings.TrimSpace(string(b)))
		}
	}
	d := cgroupV2{mount: v2, parent: filepath.Join(v2, cgroupParent)}
	return d, d.prepare()
}

// parseCgroupMounts reads /proc/self/mountinfo lines such as
//
//	35 25 0:30 / /sys/fs/cgroup/memory rw,relatime shared:15 - cgroup cgroup rw,memory
//	36 25 0:31 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate
func parseCgroupMounts(r io.Reader) ([]cgroupMount, error) {
	var out []cgroupMount
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		before, after, ok := strings.Cut(sc.Text(), " - ")
		fields, tail := strings.Fields(before), strings.Fields(after)
		if !ok || len(fields) < 5 || len(tail) < 3 {
			continue
		}
		dir := unescapeMountinfo(fields[4])
		switch tail[0] {
		case "cgroup2":
			out = append(out, cgroupMount{dir: dir, v2: true})
		case "cgroup":
			out = append(out, cgroupMount{dir: dir, options: strings.Split(tail[2], ",")})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mountinfo: %w", err)
	}
	return out, nil
}

// unescapeMountinfo undoes the octal escapes of spaces and the like.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1:i+4]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '7' {
			return false
		}
	}
	return len(s) == 3
}
