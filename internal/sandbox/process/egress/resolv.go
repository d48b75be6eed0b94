package egress

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"strings"
)

// resolvConfs are where the host's resolver configuration is read, in
// order: with systemd-resolved, /etc/resolv.conf names its stub on the
// host's loopback, which an instance cannot reach, and the second file
// names the real servers.
var resolvConfs = []string{"/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"}

// ResolvConf is the resolv.conf an instance with internet access gets: the
// host's IPv4 name servers that are reachable from an instance (not on
// loopback or link-local; instances have no IPv6), with the host's search and options lines. It is nil when the
// host has none.
func ResolvConf() []byte {
	for _, path := range resolvConfs {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if out := reachableServers(data); out != nil {
			return out
		}
	}
	return nil
}

// reachableServers keeps the IPv4 nameserver lines not on loopback, and search
// and options lines; nil when no server is left.
func reachableServers(data []byte) []byte {
	var out bytes.Buffer
	servers := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "nameserver":
			a, err := netip.ParseAddr(fields[1])
			if err != nil || !a.Is4() || a.IsLoopback() || a.IsLinkLocalUnicast() {
				continue
			}
			servers++
		case "search", "domain", "options":
		default:
			continue
		}
		out.WriteString(strings.Join(fields, " ") + "\n")
	}
	if servers == 0 {
		return nil
	}
	return out.Bytes()
}
