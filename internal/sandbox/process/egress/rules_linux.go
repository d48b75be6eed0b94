package egress

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// installRules adds the table, its chains and rules in one transaction
// (see the package doc for what they do).
func (n *Network) installRules() error {
	c, err := nftables.New()
	if err != nil {
		return err
	}
	t := c.AddTable(n.table)
	chain := func(name string, typ nftables.ChainType, hook *nftables.ChainHook, prio *nftables.ChainPriority) *nftables.Chain {
		accept := nftables.ChainPolicyAccept
		return c.AddChain(&nftables.Chain{Name: name, Table: t, Type: typ, Hooknum: hook, Priority: prio, Policy: &accept})
	}
	input := chain("input", nftables.ChainTypeFilter, nftables.ChainHookInput, nftables.ChainPriorityFilter)
	forward := chain("forward", nftables.ChainTypeFilter, nftables.ChainHookForward, nftables.ChainPriorityFilter)
	output := chain("output", nftables.ChainTypeFilter, nftables.ChainHookOutput, nftables.ChainPriorityFilter)
	post := chain("postrouting", nftables.ChainTypeNAT, nftables.ChainHookPostrouting, nftables.ChainPriorityNATSource)

	rule := func(ch *nftables.Chain, exprs ...[]expr.Any) {
		var all []expr.Any
		for _, e := range exprs {
			all = append(all, e...)
		}
		c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: all})
	}
	rule(input, ifname(expr.MetaKeyIIFNAME, expr.CmpOpEq), drop())
	rule(forward, ifname(expr.MetaKeyIIFNAME, expr.CmpOpEq), ifname(expr.MetaKeyOIFNAME, expr.CmpOpEq), drop())
	for _, p := range n.denied() {
		rule(forward, ifname(expr.MetaKeyIIFNAME, expr.CmpOpEq), ipv4Prefix(16, p, expr.CmpOpEq), drop())
	}
	rule(forward, ifname(expr.MetaKeyIIFNAME, expr.CmpOpEq), nfproto(unix.NFPROTO_IPV6), drop())
	rule(forward, ifname(expr.MetaKeyOIFNAME, expr.CmpOpEq), ctState(expr.CtStateBitESTABLISHED|expr.CtStateBitRELATED, expr.CmpOpEq), drop())
	rule(output, ifname(expr.MetaKeyOIFNAME, expr.CmpOpEq), ctState(expr.CtStateBitNEW, expr.CmpOpNeq), drop())
	rule(post, ipv4Prefix(12, n.subnet, expr.CmpOpEq), ifname(expr.MetaKeyOIFNAME, expr.CmpOpNeq), []expr.Any{&expr.Masq{}})
	if err := c.Flush(); err != nil {
		return fmt.Errorf("install table %s: %w", n.table.Name, err)
	}
	return nil
}

// denied are the prefixes forwarding never reaches: the subnet itself and
// the configured ones.
func (n *Network) denied() []netip.Prefix {
	out := []netip.Prefix{n.subnet}
	for _, d := range n.cfg.Deny {
		out = append(out, netip.MustParsePrefix(d).Masked())
	}
	return out
}

// deleteTable removes the table; a missing one is not an error.
func (n *Network) deleteTable() error {
	c, err := nftables.New()
	if err != nil {
		return err
	}
	c.DelTable(n.table)
	if err := c.Flush(); err != nil && !isNotExist(err) {
		return fmt.Errorf("egress: delete table %s: %w", n.table.Name, err)
	}
	return nil
}

func isNotExist(err error) bool { return errors.Is(err, unix.ENOENT) }

// ifname matches (op) an interface name starting with linkPrefix: a cmp
// shorter than the register compares only its own bytes, as nft's
// "yunv*" does.
func ifname(key expr.MetaKey, op expr.CmpOp) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: key, Register: 1},
		&expr.Cmp{Op: op, Register: 1, Data: []byte(linkPrefix)},
	}
}

// nfproto matches packets of one protocol family.
func nfproto(proto byte) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
	}
}

// ipv4Prefix matches IPv4 packets whose address at offset (12 source, 16
// destination) lies (op Eq) or not (Neq) in p.
func ipv4Prefix(offset uint32, p netip.Prefix, op expr.CmpOp) []expr.Any {
	m := make([]byte, 4)
	for i := 0; i < p.Bits(); i++ {
		m[i/8] |= 0x80 >> (i % 8)
	}
	addr := p.Masked().Addr().As4()
	return append(nfproto(unix.NFPROTO_IPV4),
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: m, Xor: make([]byte, 4)},
		&expr.Cmp{Op: op, Register: 1, Data: addr[:]},
	)
}

// ctState matches packets whose conntrack state has none (op Eq) or some
// (op Neq) of bits.
func ctState(bits uint32, op expr.CmpOp) []expr.Any {
	return []expr.Any{
		&expr.Ct{Register: 1, Key: expr.CtKeySTATE},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binaryutil.NativeEndian.PutUint32(bits), Xor: make([]byte, 4)},
		&expr.Cmp{Op: op, Register: 1, Data: make([]byte, 4)},
	}
}

func drop() []expr.Any { return []expr.Any{&expr.Verdict{Kind: expr.VerdictDrop}} }
