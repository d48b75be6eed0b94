package process

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process/egress"
)

// netReport is what the function below answers: its interfaces' IPv4
// addresses and its /etc/resolv.conf.
const netReport = `const os = require('os'), fs = require('fs');
exports.handler = async () => {
  const ifs = {};
  for (const [name, addrs] of Object.entries(os.networkInterfaces()))
    ifs[name] = addrs.filter(a => a.family === 'IPv4').map(a => a.address);
  let resolv = '';
  try { resolv = fs.readFileSync('/etc/resolv.conf', 'utf8'); } catch (e) { resolv = e.code; }
  return JSON.stringify({ifs, resolv});
};
`

// TestInternetAccessWiring: an instance of a function with internetAccess
// has eth0 with an address of the engine's subnet from its first
// instruction, and the host's name servers; one without has loopback only.
// Stop takes the host's side of the link away. (What the access can and
// cannot reach is package egress's test.)
func TestInternetAccessWiring(t *testing.T) {
	e, code := netReportEngine(t, Config{})
	run := func(t *testing.T, access bool) (sandbox.Instance, map[string][]string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		inst, err := e.Start(ctx, &sandbox.Spec{Runtime: "nodejs20", Handler: "index.handler", CodeDir: code,
			InternetAccess: access, Timeout: time.Minute})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		t.Cleanup(func() { inst.Stop(context.Background()) })
		res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "r", Body: []byte("{}")})
		if err != nil || res.ErrorType != "" {
			t.Fatalf("Invoke: %v %+v", err, res)
		}
		var got struct {
			Ifs    map[string][]string
			Resolv string
		}
		if err := json.Unmarshal(res.Body, &got); err != nil {
			t.Fatalf("answer %q: %v", res.Body, err)
		}
		return inst, got.Ifs, got.Resolv
	}

	t.Run("without", func(t *testing.T) {
		_, ifs, _ := run(t, false)
		if len(ifs) != 1 || len(ifs["lo"]) != 1 {
			t.Errorf("interfaces %v, want lo only", ifs)
		}
	})
	t.Run("with", func(t *testing.T) {
		if e.iso.internet.openErr != nil {
			t.Skipf("this host cannot give access: %v", e.iso.internet.openErr)
		}
		inst, ifs, resolv := run(t, true)
		if e.iso.internet.openErr != nil {
			t.Skipf("this host cannot give access: %v", e.iso.internet.openErr)
		}
		subnet := netip.MustParsePrefix(egress.DefaultSubnet)
		addrs := ifs["eth0"]
		if len(addrs) != 1 || !subnet.Contains(netip.MustParseAddr(addrs[0])) || len(ifs) != 2 {
			t.Fatalf("interfaces %v, want lo and eth0 with one address in %s", ifs, subnet)
		}
		if want := egress.ResolvConf(); want != nil && resolv != string(want) {
			t.Errorf("/etc/resolv.conf %q, want %q", resolv, want)
		}
		gw := netip.MustParseAddr(addrs[0]).Prev()
		if !hostHas(t, gw) {
			t.Fatalf("the host has no address %s: not the instance's gateway?", gw)
		}
		inst.Stop(context.Background())
		if hostHas(t, gw) {
			t.Errorf("the host keeps the gateway address %s after Stop", gw)
		}
	})
}

// TestInternetAccessUnavailable: where the host cannot give access (here:
// the configured subnet overlaps one of the host's routes), an instance
// that asks for it starts all the same, with loopback only.
func TestInternetAccessUnavailable(t *testing.T) {
	var taken string
	routes, _ := netlink.RouteList(nil, netlink.FAMILY_V4)
	for _, r := range routes {
		link, _ := netlink.LinkByIndex(r.LinkIndex)
		if r.Dst == nil || r.Dst.IP.To4() == nil || link == nil || strings.HasPrefix(link.Attrs().Name, "yunv") {
			continue // the default route, or an instance's link
		}
		if ones, _ := r.Dst.Mask.Size(); ones > 0 {
			p, _ := netip.AddrFromSlice(r.Dst.IP.To4())
			taken = netip.PrefixFrom(p, min(ones, 28)).Masked().String()
			break
		}
	}
	if taken == "" {
		t.Skip("the host has no IPv4 route besides the default one")
	}
	e, code := netReportEngine(t, Config{Internet: egress.Config{Subnet: taken}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inst, err := e.Start(ctx, &sandbox.Spec{Runtime: "nodejs20", Handler: "index.handler", CodeDir: code,
		InternetAccess: true, Timeout: time.Minute})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer inst.Stop(context.Background())
	res, err := inst.Invoke(ctx, &sandbox.Invocation{RequestID: "r", Body: []byte("{}")})
	if err != nil || res.ErrorType != "" {
		t.Fatalf("Invoke: %v %+v", err, res)
	}
	var got struct{ Ifs map[string][]string }
	json.Unmarshal(res.Body, &got)
	if len(got.Ifs) != 1 || got.Ifs["lo"] == nil {
		t.Errorf("interfaces %v, want lo only", got.Ifs)
	}
	if err := e.iso.internet.openErr; err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("why there is no access: %v, want the overlap", err)
	}
}

// netReportEngine is a sandboxed engine of cfg (in a fresh RunDir) and a
// code directory holding netReport as index.js; it skips where the host
// cannot sandbox.
func netReportEngine(t *testing.T, cfg Config) (*Engine, string) {
	t.Helper()
	cfg.RunDir = t.TempDir()
	e, err := New(cfg)
	if errors.Is(err, ErrIsolationUnavailable) {
		t.Skipf("no sandbox on this host: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.iso.internet.close() })
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "index.js"), []byte(netReport), 0o444); err != nil {
		t.Fatal(err)
	}
	return e, code
}

// hostHas says whether an interface of the host has address a.
func hostHas(t *testing.T, a netip.Addr) bool {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range addrs {
		if ipn, ok := x.(*net.IPNet); ok {
			if got, _ := netip.AddrFromSlice(ipn.IP); got.Unmap() == a {
				return true
			}
		}
	}
	return false
}
