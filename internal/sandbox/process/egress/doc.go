// Package egress gives sandboxed instances outbound network access (FC's
// internetAccess) without letting them reach the host itself.
//
// An instance's network namespace starts with only loopback. Attach adds a
// veth pair: "eth0" inside, "yunv<slot>" on the host, a /30 of the
// configured subnet between them (host .1, instance .2) and a default route
// through the host. The host forwards the instance's packets and
// masquerades them behind the address of the interface they leave by.
// Slots are claimed by creating the host-side link: link names are unique
// in a namespace, so engines in several processes share the subnet without
// a lock file.
//
// Open installs one nftables table of the inet family, owned by this
// Network ("yun-<owner>-<pid>"), in the host's namespace:
//
//	input:       from yunv*                               drop  (the host itself: Yun's API, any address of the host)
//	forward:     from yunv* to yunv*                      drop  (another instance)
//	             from yunv* to the subnet or Deny         drop  (link-local / cloud metadata by default)
//	             from yunv*, IPv6                         drop  (instances have IPv4 only)
//	             to yunv*, not established/related        drop  (nobody opens connections into an instance)
//	output:      to yunv*, new connections                drop  (nor does the host)
//	postrouting: from the subnet, not to yunv*            masquerade
//
// A drop in any base chain is final whatever other tables accept, so these
// rules hold next to the host's own firewall; a host firewall that drops
// forwarded traffic (a FORWARD policy of drop) still blocks the instances'
// internet access. The host's loopback is out of reach by construction:
// 127.0.0.0/8 inside an instance is the instance's own loopback.
//
// Invariants:
//   - Nothing here runs unless an instance asks for internet access: Open is
//     called for the first such instance, and only then is IPv4 forwarding
//     enabled (net.ipv4.ip_forward, recorded and restored by Close when it
//     was off and no other Yun table remains).
//   - Close removes the table; Open removes the tables a previous run of the
//     same owner left and those of owners whose process is gone. The veth
//     pairs need no cleaning: a pair dies with the instance's namespace.
//   - A Link is detached by its host-side index and name together, so a
//     Detach after the namespace died never removes a newer instance's link.
package egress
