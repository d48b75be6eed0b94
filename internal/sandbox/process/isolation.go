package process

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// ErrIsolationUnavailable is wrapped by New's error when Config.Isolation
// asks for the sandbox and this host cannot provide it.
var ErrIsolationUnavailable = jail.ErrUnsupported

// Where things appear inside a sandboxed instance.
const (
	codeMount      = "/code"           // the code, read-only (FC's path)
	tmpMount       = "/tmp"            // the only writable place; HOME and TMPDIR
	optMount       = "/opt"            // the layers, merged and read-only
	bootstrapMount = "/var/fc/runtime" // Yun's Node.js and Python bootstraps
)

// shmMax bounds /dev/shm; it also counts against the memory limit.
const shmMax = 64 << 20

// isolation is the engine's side of the sandbox, made once by New.
type isolation struct {
	host         *jail.Host
	userNS       bool        // each program in a user namespace of its own (jail.Spec.UserNamespace)
	binds        []jail.Bind // the host's runtime directories and /etc files
	links        []jail.Link
	bootstrapDir string
	uids         *idPool
	cgroupPrefix string // names this engine's cgroups, so that New cleans only its own
	maxProcesses int
	internet     *internet // outbound access for instances with internetAccess (internet.go)
}

// newIsolation probes the host, removes the cgroups a previous run of this
// engine left (killing what still runs in them) and the stale empty ones of
// other runs, and computes the root every jail shares. interpreters are binaries whose install directory must be
// visible inside.
func newIsolation(cfg Config, log *slog.Logger, interpreters ...string) (*isolation, error) {
	host, err := jail.Probe(cfg.RunDir)
	if err != nil {
		return nil, err
	}
	iso := &isolation{host: host, bootstrapDir: filepath.Join(cfg.RunDir, "bootstrap"),
		uids: newIDPool(cfg.FirstUID, maxUIDs), cgroupPrefix: cgroupPrefix(cfg.RunDir), maxProcesses: cfg.MaxProcesses}
	var why error
	if iso.userNS, why = host.UserNamespaces(); !iso.userNS {
		log.Warn("instances run without a user namespace of their own", "reason", why)
	}
	n, err := host.CleanCgroups(iso.cgroupPrefix)
	if err != nil {
		return nil, fmt.Errorf("clean leftover cgroups: %w", err)
	}
	if n > 0 {
		log.Warn("removed cgroups of instances a previous run left", "count", n)
	}
	if iso.internet, err = newInternet(cfg, log); err != nil {
		return nil, err
	}
	var extra []string
	for _, path := range interpreters {
		if path != "" { // <prefix>/bin/node → <prefix>
			extra = append(extra, filepath.Dir(filepath.Dir(path)))
		}
	}
	if iso.binds, iso.links, err = jail.HostRuntime(extra...); err != nil {
		return nil, err
	}
	return iso, nil
}

// cgroupPrefix is "y<hash of runDir>-": the cgroups of one engine.
func cgroupPrefix(runDir string) string {
	sum := sha256.Sum256([]byte(runDir))
	return "y" + hex.EncodeToString(sum[:5]) + "-"
}

// bootCPU is the least CPU an instance boots with, in cores: a runtime
// needs some 50–150 ms of CPU to start, which at FC's smallest cpu (0.05)
// would take seconds. Once the runtime listens, the cgroup gets the
// function's cpu, before any initializer or invocation runs.
const bootCPU = 1.0

// limits are the cgroup limits an instance of spec boots with: memorySize
// without swap, the engine's process bound, and max(cpu, bootCPU) (no limit
// when the spec has no cpu).
func (iso *isolation) limits(spec *sandbox.Spec) jail.Limits {
	mem := spec.MemoryMB
	if mem <= 0 {
		mem = fc.DefaultMemorySize
	}
	cpu := spec.CPU
	if cpu > 0 {
		cpu = max(cpu, bootCPU)
	}
	return jail.Limits{MemoryBytes: int64(mem) << 20, CPU: cpu, Pids: iso.maxProcesses}
}

// jailSpec is the jail of one instance: the shared root, the code at
// /code, the layers under /opt, the bootstraps, a /tmp of diskSize, and the
// instance's own user. A pre-warmed jail receives code, layers and /tmp
// from its slots when it is claimed; a custom one waits for its command.
func (iso *isolation) jailSpec(p *launchPlan, argv, env []string) (*jail.Spec, error) {
	host := hostname(p.id)
	s := &jail.Spec{
		Root: p.rootDir, Binds: slices.Clone(iso.binds), Links: iso.links, Files: append(jail.IdentityFiles(host, p.uid, p.uid), iso.internet.files()...),
		TmpBytes: diskBytes(p.spec), ShmBytes: min(shmMax, iso.limits(p.spec).MemoryBytes),
		Hostname: host, UID: p.uid, GID: p.uid, Argv: argv, Env: env, Dir: codeMount, UserNamespace: iso.userNS,
	}
	if w := p.confined.pooled; w != nil {
		s.Binds = append(s.Binds,
			jail.Bind{Source: w.slots.code, Target: codeMount, Receive: true},
			jail.Bind{Source: w.slots.opt, Target: optMount, Receive: true},
			jail.Bind{Source: w.slots.tmp, Target: tmpMount, Receive: true},
			jail.Bind{Source: iso.bootstrapDir, Target: bootstrapMount})
		s.TmpFromHost, s.Deferred = true, w.kind == poolCustom
		return s, nil
	}
	s.Binds = append(s.Binds, jail.Bind{Source: p.hostCodeDir, Target: codeMount},
		jail.Bind{Source: iso.bootstrapDir, Target: bootstrapMount})
	layers, err := absolute(p.spec.Layers)
	if err != nil {
		return nil, err
	}
	if len(layers) > 0 {
		s.Overlays = []jail.Overlay{{Lower: layers, Target: optMount}}
	}
	return s, nil
}

// hostname is the instance's host name: its id, within the kernel's 64 bytes.
func hostname(id string) string {
	if len(id) > 63 {
		return id[:63]
	}
	return id
}

// idPool hands out the uids of running instances, one each, cycling so that
// a uid is not reused at once.
type idPool struct {
	mu    sync.Mutex
	first int
	used  map[int]bool // offsets from first
	next  int
	size  int
}

func newIDPool(first, size int) *idPool {
	return &idPool{first: first, size: size, used: map[int]bool{}}
}

func (p *idPool) get() (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.size {
		off := (p.next + i) % p.size
		if !p.used[off] {
			p.used[off] = true
			p.next = off + 1
			return p.first + off, nil
		}
	}
	return 0, fmt.Errorf("all %d instance uids are in use", p.size)
}

func (p *idPool) put(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.used, id-p.first)
}
