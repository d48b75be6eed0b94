package process

import (
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/yun-fc/yun/internal/sandbox/process/egress"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// internet is the engine's side of FC's internetAccess (package egress):
// the host's rules and forwarding are set up for the first sandboxed
// instance that asks for access, not before, and removed by close.
//
// attach is the one hook: it takes the open network namespace of a
// sandbox, whenever that sandbox was made, and returns the function that
// takes the access away again. Start calls it before the runtime's code
// runs (confinement.start); a pre-warmed sandbox, made before its function
// was known, calls it when claimed by a function with internetAccess, and
// calls the returned detach when it stops.
type internet struct {
	cfg    egress.Config
	log    *slog.Logger
	resolv []byte // the jails' /etc/resolv.conf; nil when the host has no usable server

	mu      sync.Mutex
	net     *egress.Network // nil until the first attach
	openErr error           // why the host cannot give access, once known
	closed  bool
}

// newInternet checks cfg.Internet and removes the rules a previous run of
// this engine (same RunDir) left, and those of dead processes.
func newInternet(cfg Config, log *slog.Logger) (*internet, error) {
	ecfg := cfg.Internet
	ecfg.Owner, ecfg.Logger = cfg.RunDir, log
	if err := ecfg.Validate(); err != nil {
		return nil, fmt.Errorf("process config: Internet: %w", err)
	}
	if n, err := egress.CleanLeftovers(ecfg.Owner); err != nil {
		log.Debug("no leftover network rules removed", "err", err)
	} else if n > 0 {
		log.Warn("removed network rules a previous run left", "count", n)
	}
	return &internet{cfg: ecfg, log: log, resolv: egress.ResolvConf()}, nil
}

// attach gives the sandbox whose network namespace is netns outbound
// access; detach takes it away and may be called after the sandbox died.
//
// Where the host cannot give access (no nftables, the subnet taken, no
// slot left), the sandbox keeps loopback only and a warning is logged
// instead of failing the start: internetAccess is FC's default, and a
// sandbox without network is the safe side of the contract.
func (in *internet) attach(netns *os.File) (detach func() error) {
	n, err := in.network()
	if err != nil {
		return nil
	}
	l, err := n.Attach(netns)
	if err != nil {
		in.log.Warn("instance started without internet access", "err", err)
		return nil
	}
	return func() error { return n.Detach(l) }
}

// network opens the host's side on first use. A failure is remembered
// and logged once: the host will not change its mind.
func (in *internet) network() (*egress.Network, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	switch {
	case in.closed:
		return nil, fmt.Errorf("internet access: the engine is closed")
	case in.net != nil || in.openErr != nil:
		return in.net, in.openErr
	}
	in.net, in.openErr = egress.Open(in.cfg)
	if in.openErr != nil {
		in.net = nil
		in.log.Error("instances with internetAccess get loopback only: this host cannot give them access", "err", in.openErr)
	}
	return in.net, in.openErr
}

// files are what every jail gets for name resolution: the host's usable
// name servers in /etc/resolv.conf (harmless without access: nothing is
// reachable), so a pre-warmed jail needs no change when it gets access.
func (in *internet) files() []jail.File {
	if in == nil || in.resolv == nil {
		return nil
	}
	return []jail.File{{Path: "/etc/resolv.conf", Data: in.resolv, Mode: 0o444}}
}

// close removes the host's rules (turning forwarding off again if they
// turned it on). Instances still attached lose their access. Idempotent;
// the engine's Close calls it after its instances stopped.
func (in *internet) close() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closed = true
	if in.net == nil {
		return nil
	}
	err := in.net.Close()
	in.net = nil
	return err
}
