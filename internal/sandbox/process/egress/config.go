package egress

import (
	"fmt"
	"log/slog"
	"net/netip"
)

// DefaultSubnet is where instance addresses come from unless configured:
// a private range that container runtimes, Kubernetes and cloud VPC
// defaults leave alone. Open refuses a subnet that overlaps a host route.
const DefaultSubnet = "10.213.0.0/16"

// DefaultDeny are destinations instances never reach, besides the host and
// each other: link-local, where clouds serve instance metadata and
// credentials.
var DefaultDeny = []string{"169.254.0.0/16"}

// Config configures a Network. The zero value is usable.
type Config struct {
	// Subnet is the IPv4 range split into one /30 per instance, at most a
	// /28. Default: DefaultSubnet.
	Subnet string
	// Deny are more IPv4 prefixes instances may not reach (a LAN, a VPC).
	// Default: DefaultDeny; an empty non-nil slice denies nothing extra.
	Deny []string
	// Owner names the Network's table so that a later run of the same owner
	// removes what a crashed one left (the process engine uses its RunDir).
	Owner string
	// Logger receives what Open changes on the host. Default: discard.
	Logger *slog.Logger
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.Subnet != "" {
		p, err := netip.ParsePrefix(c.Subnet)
		switch {
		case err != nil:
			return fmt.Errorf("egress config: Subnet %q: %v", c.Subnet, err)
		case !p.Addr().Is4() || p.Bits() > 28 || p.Bits() < 8:
			return fmt.Errorf("egress config: Subnet %q is not an IPv4 prefix between /8 and /28", c.Subnet)
		case p.Masked() != p:
			return fmt.Errorf("egress config: Subnet %q has host bits set (want %s)", c.Subnet, p.Masked())
		}
	}
	for _, d := range c.Deny {
		if p, err := netip.ParsePrefix(d); err != nil || !p.Addr().Is4() {
			return fmt.Errorf("egress config: Deny %q is not an IPv4 prefix", d)
		}
	}
	return nil
}

// withDefaults returns c with the documented defaults filled in.
func (c Config) withDefaults() Config {
	if c.Subnet == "" {
		c.Subnet = DefaultSubnet
	}
	if c.Deny == nil {
		c.Deny = DefaultDeny
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// slots is how many /30s subnet holds.
func slots(subnet netip.Prefix) int { return 1 << (32 - subnet.Bits() - 2) }

// slotAddrs are the host's and the instance's address in slot i.
func slotAddrs(subnet netip.Prefix, i int) (host, inst netip.Addr) {
	b := subnet.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(i) * 4
	host = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v) + 1})
	inst = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v) + 2})
	return host, inst
}
