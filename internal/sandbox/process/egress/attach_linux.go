package egress

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// instanceLink is the name of the instance's end of its veth pair.
const instanceLink = "eth0"

// Link is one instance's attachment: the host's end of its veth pair.
type Link struct {
	Name    string     // host side, "yunv<slot>"
	Addr    netip.Addr // the instance's address (on eth0)
	Gateway netip.Addr // the host's address on Name, the instance's default route
	index   int
}

// Attach gives the network namespace netns (an open /proc/PID/ns/net, or
// any file referring to a network namespace) an eth0 with an address of
// the subnet and a default route through the host. The namespace's
// loopback is left as it is. Call it before the instance's code runs, or at
// any time for a sandbox made earlier (a pre-warmed one); Detach undoes it.
// On error nothing is left.
func (n *Network) Attach(ns *os.File) (*Link, error) {
	host, slot, err := n.claimSlot(int(ns.Fd()))
	if err != nil {
		return nil, err
	}
	l := &Link{Name: host.Attrs().Name, index: host.Attrs().Index}
	l.Gateway, l.Addr = slotAddrs(n.subnet, slot)
	if err := n.configure(l, host, ns); err != nil {
		netlink.LinkDel(host)
		return nil, fmt.Errorf("egress: attach %s: %w", l.Name, err)
	}
	return l, nil
}

// claimSlot creates the veth pair of the first free slot from n.next on,
// its peer already in the namespace nsFD as eth0. A slot is free when no
// link of its name exists: creating the link claims it atomically, also
// against other processes.
func (n *Network) claimSlot(nsFD int) (netlink.Link, int, error) {
	n.mu.Lock()
	start := n.next
	n.mu.Unlock()
	total := slots(n.subnet)
	for k := range total {
		slot := (start + k) % total
		veth := &netlink.Veth{
			LinkAttrs: netlink.LinkAttrs{Name: linkPrefix + strconv.FormatInt(int64(slot), 16), MTU: n.mtu},
			PeerName:  instanceLink, PeerNamespace: netlink.NsFd(nsFD), PeerMTU: uint32(n.mtu),
		}
		err := netlink.LinkAdd(veth)
		if errors.Is(err, unix.EEXIST) {
			if _, lerr := netlink.LinkByName(veth.Name); lerr != nil {
				return nil, 0, fmt.Errorf("egress: the namespace already has an %s", instanceLink)
			}
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("egress: create veth %s: %w", veth.Name, err)
		}
		n.mu.Lock()
		n.next = slot + 1
		n.mu.Unlock()
		link, err := netlink.LinkByName(veth.Name)
		if err != nil {
			netlink.LinkDel(veth)
			return nil, 0, fmt.Errorf("egress: %w", err)
		}
		return link, slot, nil
	}
	return nil, 0, fmt.Errorf("egress: all %d slots of %s are in use", total, n.subnet)
}

// configure addresses both ends, brings them up and routes the
// namespace's traffic through the host.
func (n *Network) configure(l *Link, host netlink.Link, ns *os.File) error {
	if err := netlink.AddrAdd(host, addr(l.Gateway)); err != nil {
		return fmt.Errorf("address %s: %w", l.Gateway, err)
	}
	if err := netlink.LinkSetUp(host); err != nil {
		return fmt.Errorf("up: %w", err)
	}
	h, err := netlink.NewHandleAt(netns.NsHandle(int(ns.Fd())), unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("enter the instance's namespace: %w", err)
	}
	defer h.Close()
	peer, err := h.LinkByName(instanceLink)
	if err != nil {
		return err
	}
	if err := h.AddrAdd(peer, addr(l.Addr)); err != nil {
		return fmt.Errorf("address %s in the instance: %w", l.Addr, err)
	}
	if err := h.LinkSetUp(peer); err != nil {
		return fmt.Errorf("%s up in the instance: %w", instanceLink, err)
	}
	gw := net.IP(l.Gateway.AsSlice())
	if err := h.RouteAdd(&netlink.Route{LinkIndex: peer.Attrs().Index, Gw: gw}); err != nil {
		return fmt.Errorf("default route in the instance: %w", err)
	}
	return waitUp(h, peer.Attrs().Index, l.index)
}

// upWait bounds how long the kernel may take to make a new pair usable.
const upWait = 2 * time.Second

// waitUp waits until both ends of the pair are operationally up. Until
// the kernel's link watcher has activated a device, which it does
// asynchronously after the carrier comes on, the device drops what it is
// given: an instance's first connection would lose its SYN and wait a
// second for the retransmission.
func waitUp(inside *netlink.Handle, peer, host int) error {
	deadline := time.Now().Add(upWait)
	for {
		p, perr := inside.LinkByIndex(peer)
		h, herr := netlink.LinkByIndex(host)
		if err := errors.Join(perr, herr); err != nil {
			return err
		}
		if p.Attrs().OperState == netlink.OperUp && h.Attrs().OperState == netlink.OperUp {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("link not up after %v (inside %s, host %s)", upWait, p.Attrs().OperState, h.Attrs().OperState)
		}
		time.Sleep(time.Millisecond)
	}
}

// addr is a as the /30 of its slot.
func addr(a netip.Addr) *netlink.Addr {
	return &netlink.Addr{IPNet: &net.IPNet{IP: net.IP(a.AsSlice()), Mask: net.CIDRMask(30, 32)}}
}

// Detach removes the veth pair; the instance loses eth0. A pair whose
// namespace has gone is gone already, and that is not an error. Detach
// touches only the link it made: same index and same name.
func (n *Network) Detach(l *Link) error {
	link, err := netlink.LinkByIndex(l.index)
	if err != nil || link.Attrs().Name != l.Name {
		return nil
	}
	if err := netlink.LinkDel(link); err != nil && !errors.Is(err, unix.ENODEV) {
		return fmt.Errorf("egress: detach %s: %w", l.Name, err)
	}
	return nil
}
