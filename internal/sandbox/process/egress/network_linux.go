package egress

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// linkPrefix starts the name of every host-side link of an instance; the
// rules match it.
const linkPrefix = "yunv"

// tablePrefix starts the name of every table a Network makes.
const tablePrefix = "yun-"

// ipForward is IPv4 forwarding of the host's (Yun's) network namespace.
const ipForward = "/proc/sys/net/ipv4/ip_forward"

// Network is outbound access for instances on this host: the subnet, the
// nftables table and the slots of the instances attached. Attach and
// Detach may be called concurrently; Close once all are detached.
type Network struct {
	cfg    Config
	log    *slog.Logger
	subnet netip.Prefix
	table  *nftables.Table
	mtu    int

	mu             sync.Mutex
	next           int  // the slot Attach tries first
	forwardEnabled bool // Open turned ip_forward on; Close may turn it off
	closed         bool
}

// Open checks that the subnet is free on this host, removes leftover
// tables, installs this Network's rules and enables IPv4 forwarding.
func Open(cfg Config) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	n := &Network{cfg: cfg, log: cfg.Logger, subnet: netip.MustParsePrefix(cfg.Subnet)}
	if err := n.checkRoutes(); err != nil {
		return nil, err
	}
	if _, err := CleanLeftovers(cfg.Owner); err != nil {
		return nil, err
	}
	n.table = &nftables.Table{Name: tableName(cfg.Owner, os.Getpid()), Family: nftables.TableFamilyINet}
	if err := n.installRules(); err != nil {
		return nil, fmt.Errorf("egress: nftables: %w", err)
	}
	on, err := enableForwarding()
	if err != nil {
		n.deleteTable()
		return nil, err
	}
	n.forwardEnabled = on
	if on {
		n.log.Warn("enabled IPv4 forwarding for instances with internet access (net.ipv4.ip_forward was 0)")
	}
	n.log.Info("instance internet access ready", "subnet", n.subnet, "table", n.table.Name, "mtu", n.mtu)
	return n, nil
}

// Subnet is the range instance addresses come from.
func (n *Network) Subnet() netip.Prefix { return n.subnet }

// Close removes the rules; instances still attached lose their access. It
// turns forwarding off again if Open turned it on and no other Yun table
// is left. Idempotent.
func (n *Network) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	err := n.deleteTable()
	if n.forwardEnabled && !otherTables() {
		err = errors.Join(err, os.WriteFile(ipForward, []byte("0\n"), 0o644))
	}
	return err
}

// checkRoutes refuses a subnet that overlaps a route of the host other
// than an instance's link, and learns the MTU of the default route's link.
func (n *Network) checkRoutes() error {
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("egress: list routes: %w", err)
	}
	n.mtu = 1500
	for _, r := range routes {
		link, _ := netlink.LinkByIndex(r.LinkIndex)
		name := ""
		if link != nil {
			name = link.Attrs().Name
		}
		if r.Dst == nil || isDefault(r) {
			if link != nil && link.Attrs().MTU > 0 {
				n.mtu = min(n.mtu, link.Attrs().MTU)
			}
			continue
		}
		dst, ok := netip.AddrFromSlice(r.Dst.IP)
		ones, _ := r.Dst.Mask.Size()
		if ok && netip.PrefixFrom(dst.Unmap(), ones).Overlaps(n.subnet) && !strings.HasPrefix(name, linkPrefix) {
			return fmt.Errorf("egress: subnet %s overlaps the host's route %s dev %s; configure another subnet", n.subnet, r.Dst, name)
		}
	}
	return nil
}

func isDefault(r netlink.Route) bool {
	ones, _ := r.Dst.Mask.Size()
	return ones == 0
}

// tableName is "yun-<hash of owner>-<pid>".
func tableName(owner string, pid int) string {
	sum := sha256.Sum256([]byte(owner))
	return tablePrefix + hex.EncodeToString(sum[:5]) + "-" + strconv.Itoa(pid)
}

// CleanLeftovers removes the tables a previous run of owner left and those
// whose process no longer exists. It returns how many it removed.
func CleanLeftovers(owner string) (int, error) {
	c, err := nftables.New()
	if err != nil {
		return 0, fmt.Errorf("egress: nftables: %w", err)
	}
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return 0, fmt.Errorf("egress: list nftables tables: %w", err)
	}
	own := strings.TrimSuffix(tableName(owner, 0), "0")
	removed := 0
	for _, t := range tables {
		if stale(t.Name, own) {
			c.DelTable(t)
			removed++
		}
	}
	if removed == 0 {
		return 0, nil
	}
	if err := c.Flush(); err != nil {
		return 0, fmt.Errorf("egress: remove leftover tables: %w", err)
	}
	return removed, nil
}

// stale says whether table name is a Yun table to remove: of this owner
// (own is its name without the pid) but another process, or of a process
// that is gone.
func stale(name, own string) bool {
	rest, ok := strings.CutPrefix(name, tablePrefix)
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '-')
	pid, err := strconv.Atoi(rest[i+1:])
	if i < 0 || err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return false
	}
	return strings.HasPrefix(name, own) || unix.Kill(pid, 0) == unix.ESRCH
}

// otherTables says whether another Network's table exists.
func otherTables() bool {
	c, err := nftables.New()
	if err != nil {
		return true
	}
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return true
	}
	for _, t := range tables {
		if strings.HasPrefix(t.Name, tablePrefix) {
			return true
		}
	}
	return false
}

// enableForwarding turns IPv4 forwarding on and says whether it was off.
func enableForwarding() (bool, error) {
	b, err := os.ReadFile(ipForward)
	if err != nil {
		return false, fmt.Errorf("egress: %w", err)
	}
	if strings.TrimSpace(string(b)) == "1" {
		return false, nil
	}
	if err := os.WriteFile(ipForward, []byte("1\n"), 0o644); err != nil {
		return false, fmt.Errorf("egress: enable IPv4 forwarding: %w", err)
	}
	return true, nil
}
