//go:build !linux

package egress

import (
	"errors"
	"net/netip"
	"os"
)

// errUnsupported: veth pairs and nftables are Linux's.
var errUnsupported = errors.New("egress: instance internet access needs Linux")

// Network is outbound access for instances; elsewhere than on Linux there
// is none.
type Network struct{}

// Link is one instance's attachment.
type Link struct {
	Name          string
	Addr, Gateway netip.Addr
}

// Open fails: see errUnsupported.
func Open(cfg Config) (*Network, error) { return nil, errUnsupported }

// CleanLeftovers has nothing to clean.
func CleanLeftovers(owner string) (int, error) { return 0, nil }

func (n *Network) Subnet() netip.Prefix              { return netip.Prefix{} }
func (n *Network) Attach(ns *os.File) (*Link, error) { return nil, errUnsupported }
func (n *Network) Detach(l *Link) error              { return nil }
func (n *Network) Close() error                      { return nil }
