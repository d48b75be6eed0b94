package egress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The test's "internet": a namespace behind a veth from the host, with a
// web server on a documentation address.
const (
	internetLink = "ytinet0" // host side; does not start with linkPrefix
	internetHost = "198.51.100.254"
	internetAddr = "198.51.100.1"
	testSubnet   = "10.214.0.0/24"
)

// blocked is how long a connection the rules drop is given before the
// test counts it as not made (a drop sends nothing back).
const blocked = 1500 * time.Millisecond

// TestInternetAccess: an attached namespace reaches the internet
// (masqueraded behind the host), an unattached one does not, and an
// attached one reaches neither the host's listeners (on its address on
// the instance's link, on its other addresses, on loopback) nor another
// instance. Detach and Close leave nothing behind.
func TestInternetAccess(t *testing.T) {
	skipUnlessCapable(t)
	web := newInternet(t)
	n, err := Open(Config{Subnet: testSubnet, Owner: t.TempDir()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	a, b, none := newNetns(t), newNetns(t), newNetns(t)
	la, err := n.Attach(a)
	if err != nil {
		t.Fatalf("Attach a: %v", err)
	}
	lb, err := n.Attach(b)
	if err != nil {
		t.Fatalf("Attach b: %v", err)
	}
	if !n.Subnet().Contains(la.Addr) || !n.Subnet().Contains(lb.Addr) || la.Addr == lb.Addr {
		t.Fatalf("addresses %s and %s, want two distinct ones in %s", la.Addr, lb.Addr, n.Subnet())
	}

	t.Run("internet reachable, masqueraded", func(t *testing.T) {
		body, err := httpGetIn(a, "http://"+internetAddr+":"+web.port+"/")
		if err != nil {
			t.Fatalf("GET from an attached namespace: %v", err)
		}
		if want := "hello from " + internetHost; body != want {
			t.Errorf("got %q, want %q (the server sees the host's address)", body, want)
		}
	})
	t.Run("no internet without attach", func(t *testing.T) {
		if _, err := dialIn(none, internetAddr+":"+web.port); err == nil {
			t.Errorf("an unattached namespace reached the internet")
		}
	})

	hostAny, hostLoop := listen(t, "0.0.0.0:0"), listen(t, "127.0.0.1:0")
	targets := map[string]string{
		"host on the instance's gateway": hostPort(la.Gateway.String(), hostAny),
		"host on the internet link":      hostPort(internetHost, hostAny),
		"host loopback":                  hostPort("127.0.0.1", hostLoop),
		"host on b's gateway":            hostPort(lb.Gateway.String(), hostAny),
	}
	for _, ip := range hostAddrs(t) {
		targets["host on "+ip] = hostPort(ip, hostAny)
	}
	inB := listenIn(t, b, "0.0.0.0:0")
	targets["another instance"] = hostPort(lb.Addr.String(), inB)
	t.Run("blocked", func(t *testing.T) {
		for name, addr := range targets {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				if c, err := dialIn(a, addr); err == nil {
					c.Close()
					t.Errorf("instance a connected to %s", addr)
				}
			})
		}
	})
	t.Run("controls", func(t *testing.T) { // the blocked listeners do answer where allowed
		for _, addr := range []string{hostPort(la.Gateway.String(), hostAny), hostPort("127.0.0.1", hostLoop)} {
			c, err := net.DialTimeout("tcp", addr, blocked)
			if err != nil {
				t.Fatalf("the host itself cannot reach %s: %v", addr, err)
			}
			c.Close()
		}
		c, err := dialIn(b, hostPort(lb.Addr.String(), inB))
		if err != nil {
			t.Fatalf("b cannot reach its own listener: %v", err)
		}
		c.Close()
	})

	if err := n.Detach(la); err != nil {
		t.Errorf("Detach: %v", err)
	}
	if _, err := netlink.LinkByName(la.Name); err == nil {
		t.Errorf("link %s still there after Detach", la.Name)
	}
	if _, err := dialIn(a, internetAddr+":"+web.port); err == nil {
		t.Errorf("a reached the internet after Detach")
	}
	b.Close() // the namespace goes: b's link with it, and Detach does not mind
	if err := n.Detach(lb); err != nil {
		t.Errorf("Detach after the namespace went: %v", err)
	}
	if err := n.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if tableExists(t, n.table.Name) {
		t.Errorf("table %s still there after Close", n.table.Name)
	}
}

// TestDenyPrefixes: a prefix in Config.Deny (an operator's LAN) is
// unreachable from an attached namespace that reaches it without the Deny.
func TestDenyPrefixes(t *testing.T) {
	skipUnlessCapable(t)
	web := newInternet(t)
	for _, deny := range []bool{true, false} {
		cfg := Config{Subnet: testSubnet, Owner: t.TempDir()}
		if deny {
			cfg.Deny = []string{internetAddr + "/32"}
		}
		n, err := Open(cfg)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		ns := newNetns(t)
		if _, err := n.Attach(ns); err != nil {
			t.Fatalf("Attach: %v", err)
		}
		_, err = httpGetIn(ns, "http://"+internetAddr+":"+web.port+"/")
		switch {
		case deny && err == nil:
			t.Errorf("reached %s, which Deny lists", internetAddr)
		case !deny && err != nil:
			t.Errorf("without the Deny, GET %s: %v", internetAddr, err)
		}
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}

// TestCleanLeftovers: Open removes the table a crashed run of the same
// owner left, and a dead process's, but not a live other owner's.
func TestCleanLeftovers(t *testing.T) {
	skipUnlessCapable(t)
	owner := t.TempDir()
	dead := deadPID(t)
	names := map[string]bool{ // name → removed
		tableName(owner, dead+1_000_000): true, // same owner, another process
		tableName("someone else", dead):  true,
		tableName("someone else", 1):     false, // pid 1 lives
		"yun-not-ours":                   false,
	}
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	for name := range names {
		c.AddTable(&nftables.Table{Name: name, Family: nftables.TableFamilyINet})
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for name := range names {
			c.DelTable(&nftables.Table{Name: name, Family: nftables.TableFamilyINet})
			c.Flush()
		}
	})
	n, err := Open(Config{Subnet: testSubnet, Owner: owner})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer n.Close()
	for name, removed := range names {
		if got := !tableExists(t, name); got != removed {
			t.Errorf("table %s removed: got %v, want %v", name, got, removed)
		}
	}
}

func TestOpenRefusesOverlappingSubnet(t *testing.T) {
	skipUnlessCapable(t)
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes {
		link, _ := netlink.LinkByIndex(r.LinkIndex)
		if r.Dst == nil || isDefault(r) || r.Dst.IP.To4() == nil || link == nil || strings.HasPrefix(link.Attrs().Name, linkPrefix) {
			continue // instances' links (of any Yun here) do not count
		}
		ones, _ := r.Dst.Mask.Size()
		subnet := netip.PrefixFrom(netip.AddrFrom4([4]byte(r.Dst.IP.To4())), min(ones, 28)).Masked()
		n, err := Open(Config{Subnet: subnet.String(), Owner: t.TempDir()})
		if err == nil {
			n.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "overlaps") {
			t.Errorf("Open with subnet %s over route %s: got %v, want an overlap error", subnet, r.Dst, err)
		}
		return
	}
	t.Skip("the host has no route other than the default one")
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"subnet", Config{Subnet: "172.29.0.0/20"}, true},
		{"too small", Config{Subnet: "10.0.0.0/30"}, false},
		{"host bits", Config{Subnet: "10.0.0.1/16"}, false},
		{"ipv6", Config{Subnet: "fd00::/64"}, false},
		{"bad deny", Config{Deny: []string{"nope"}}, false},
		{"deny", Config{Deny: []string{"192.168.0.0/16"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.cfg.Validate(); (err == nil) != tc.ok {
				t.Errorf("Validate: got %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestSlotAddrs(t *testing.T) {
	p := netip.MustParsePrefix("10.213.0.0/16")
	if got := slots(p); got != 16384 {
		t.Errorf("slots: got %d, want 16384", got)
	}
	for _, tc := range []struct {
		slot       int
		host, inst string
	}{{0, "10.213.0.1", "10.213.0.2"}, {1, "10.213.0.5", "10.213.0.6"}, {64, "10.213.1.1", "10.213.1.2"}, {16383, "10.213.255.253", "10.213.255.254"}} {
		h, i := slotAddrs(p, tc.slot)
		if h.String() != tc.host || i.String() != tc.inst {
			t.Errorf("slot %d: got %s %s, want %s %s", tc.slot, h, i, tc.host, tc.inst)
		}
	}
}

// skipUnlessCapable skips where the test cannot make namespaces, links and
// nftables tables.
func skipUnlessCapable(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: network namespaces, veth pairs and nftables")
	}
	c, err := nftables.New()
	if err == nil {
		_, err = c.ListTables()
	}
	if err != nil {
		t.Skipf("no nftables here: %v", err)
	}
}

// newNetns makes a network namespace with loopback up, closed (and so
// gone, once nothing else holds it) at the end of the test.
func newNetns(t *testing.T) *os.File {
	t.Helper()
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // not unlocked if the thread cannot go home: Go ends it
		home, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			done <- result{nil, err}
			return
		}
		defer home.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- result{nil, err}
			runtime.UnlockOSThread()
			return
		}
		f, ferr := os.Open("/proc/thread-self/ns/net")
		if lo, err := netlink.LinkByName("lo"); ferr == nil && err == nil {
			ferr = netlink.LinkSetUp(lo)
		}
		if err := unix.Setns(int(home.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- result{nil, fmt.Errorf("go home: %w", err)}
			return
		}
		runtime.UnlockOSThread()
		done <- result{f, ferr}
	}()
	r := <-done
	if r.err != nil {
		t.Fatalf("new network namespace: %v", r.err)
	}
	t.Cleanup(func() { r.f.Close() })
	return r.f
}

// inNetns runs f on a thread inside ns.
func inNetns(ns *os.File, f func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		home, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			done <- err
			return
		}
		defer home.Close()
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- err
			return
		}
		ferr := f()
		if err := unix.Setns(int(home.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- err
			return
		}
		runtime.UnlockOSThread()
		done <- ferr
	}()
	return <-done
}

// dialIn connects to addr from inside ns.
func dialIn(ns *os.File, addr string) (c net.Conn, err error) {
	err = inNetns(ns, func() error {
		c, err = net.DialTimeout("tcp", addr, blocked)
		return err
	})
	return c, err
}

// httpGetIn fetches url over a connection made inside ns.
func httpGetIn(ns *os.File, url string) (string, error) {
	tr := &http.Transport{DialContext: func(_ context.Context, _, addr string) (net.Conn, error) { return dialIn(ns, addr) }}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// listen listens on the host and accepts (and closes) until the test ends.
func listen(t *testing.T, addr string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	serveClose(t, l)
	return l
}

// listenIn listens inside ns.
func listenIn(t *testing.T, ns *os.File, addr string) net.Listener {
	t.Helper()
	var l net.Listener
	if err := inNetns(ns, func() (err error) { l, err = net.Listen("tcp", addr); return err }); err != nil {
		t.Fatal(err)
	}
	serveClose(t, l)
	return l
}

func serveClose(t *testing.T, l net.Listener) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
}

func hostPort(ip string, l net.Listener) string {
	return net.JoinHostPort(ip, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
}

// internet is the test's web server in its own namespace.
type internet struct{ port string }

// newInternet makes the "internet" namespace, links it to the host and
// serves "hello from <client address>" on internetAddr.
func newInternet(t *testing.T) *internet {
	t.Helper()
	ns := newNetns(t)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: internetLink}, PeerName: "eth0", PeerNamespace: netlink.NsFd(int(ns.Fd()))}
	if err := netlink.LinkAdd(veth); err != nil {
		t.Fatalf("internet link: %v", err)
	}
	t.Cleanup(func() {
		if l, err := netlink.LinkByName(internetLink); err == nil {
			netlink.LinkDel(l)
		}
	})
	host, err := netlink.LinkByName(internetLink)
	if err == nil {
		err = netlink.AddrAdd(host, mustAddr(internetHost+"/24"))
	}
	if err == nil {
		err = netlink.LinkSetUp(host)
	}
	if err != nil {
		t.Fatalf("internet link: %v", err)
	}
	h, err := netlink.NewHandleAt(netns.NsHandle(int(ns.Fd())))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	peer, err := h.LinkByName("eth0")
	if err == nil {
		err = h.AddrAdd(peer, mustAddr(internetAddr+"/24"))
	}
	if err == nil {
		err = h.LinkSetUp(peer)
	}
	if err != nil {
		t.Fatalf("internet side: %v", err)
	}
	l := listenInRaw(t, ns, internetAddr+":0")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		io.WriteString(w, "hello from "+host)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return &internet{port: port}
}

func listenInRaw(t *testing.T, ns *os.File, addr string) net.Listener {
	t.Helper()
	var l net.Listener
	if err := inNetns(ns, func() (err error) { l, err = net.Listen("tcp", addr); return err }); err != nil {
		t.Fatal(err)
	}
	return l
}

func mustAddr(s string) *netlink.Addr {
	a, err := netlink.ParseAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}

// hostAddrs are the host's IPv4 addresses outside loopback and the
// instances' links.
func hostAddrs(t *testing.T) []string {
	t.Helper()
	addrs, err := netlink.AddrList(nil, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range addrs {
		if !a.IP.IsLoopback() && !strings.HasPrefix(a.Label, linkPrefix) {
			out = append(out, a.IP.String())
		}
	}
	return out
}

func tableExists(t *testing.T, name string) bool {
	t.Helper()
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListTableOfFamily(name, nftables.TableFamilyINet)
	return err == nil
}

// deadPID is the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	p.Wait()
	if err := unix.Kill(p.Pid, 0); !errors.Is(err, unix.ESRCH) {
		t.Skipf("pid %d reused already", p.Pid)
	}
	return p.Pid
}

// TestConcurrentAttach: namespaces attached side by side get distinct
// slots, and detaching them all leaves no link behind.
func TestConcurrentAttach(t *testing.T) {
	skipUnlessCapable(t)
	n, err := Open(Config{Subnet: testSubnet, Owner: t.TempDir()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer n.Close()
	const count = 16
	nss := make([]*os.File, count)
	for i := range nss {
		nss[i] = newNetns(t)
	}
	links := make([]*Link, count)
	errs := make([]error, count)
	var wg sync.WaitGroup
	for i := range count {
		wg.Go(func() { links[i], errs[i] = n.Attach(nss[i]) })
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, l := range links {
		if errs[i] != nil {
			t.Fatalf("Attach %d: %v", i, errs[i])
		}
		if seen[l.Name] || seen[l.Addr.String()] {
			t.Errorf("link %s address %s given twice", l.Name, l.Addr)
		}
		seen[l.Name], seen[l.Addr.String()] = true, true
	}
	for _, l := range links {
		wg.Go(func() {
			if err := n.Detach(l); err != nil {
				t.Errorf("Detach %s: %v", l.Name, err)
			}
		})
	}
	wg.Wait()
	for _, l := range links {
		if _, err := netlink.LinkByName(l.Name); err == nil {
			t.Errorf("link %s still there after Detach", l.Name)
		}
	}
}
