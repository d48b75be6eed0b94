package process

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

var _ sandbox.Instance = (*Instance)(nil)

// Instance is one running process of a function version.
type Instance struct {
	id      string
	spec    *sandbox.Spec
	log     *slog.Logger
	dir     string // scratch dir, removed by Stop
	pid     int    // also the process group id
	port    int
	addr    string // 127.0.0.1:port
	urls    struct{ invoke, initialize, preStop string }
	custom  bool
	cmd     *exec.Cmd
	client  *transport
	headers http.Header // the common x-fc-* headers, shared read-only by every request
	capture *capture
	sink    *sandbox.LogSink
	memory  *memoryMeter // nil if unreadable
	jail    *confinement // nil without the sandbox
	pooled  *prewarmed   // a sandbox made ahead of its function (prewarm.go); else nil
	held    bool         // port is held in heldPorts until Stop
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)

	reapMu sync.Mutex       // held while signalling and while reaping
	reaped bool             // the process group id is no longer ours
	state  *os.ProcessState // set before exited closes
	// exitedUnasked is set before exited closes: the process exited before
	// Stop began.
	exitedUnasked bool
	final         exitStats     // set before exited closes (sandboxed instances)
	exited        chan struct{} // closed once the main process is reaped

	ready    atomic.Bool // boot succeeded (preStop is due at Stop)
	stopping atomic.Bool // Stop has begun: new invocations are refused
	stopOnce sync.Once
	stopErr  error
	wg       sync.WaitGroup // the waiter, capture and sink goroutines
}

// launch makes the scratch dir and starts the process; the instance is not
// ready yet. On error nothing is left behind.
func (e *Engine) launch(p *launchPlan) (_ *Instance, err error) {
	spec, id := p.spec, p.id
	if !p.prewarm {
		if p.hostCodeDir, err = filepath.Abs(spec.CodeDir); err != nil {
			return nil, fmt.Errorf("code dir %q: %w", spec.CodeDir, err)
		}
	}
	dir := filepath.Join(e.instancesDir, id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, fmt.Errorf("scratch dir: %w", err)
	}
	var pooled *prewarmed
	defer func() {
		if err != nil {
			if pooled != nil {
				pooled.release()
			}
			if p.heldPort {
				releasePort(p.port)
			}
			os.RemoveAll(dir)
		}
	}()
	if p.prewarm {
		pooled = &prewarmed{kind: poolKindOf(spec.Runtime)}
		if e.iso != nil {
			if err := pooled.makeSlots(dir); err != nil {
				return nil, err
			}
		}
		if pooled.kind != poolCustom {
			if err := pooled.control(); err != nil {
				return nil, err
			}
		}
	}
	if err := e.plan(p, dir); err != nil {
		return nil, err
	}
	if p.confined != nil {
		p.confined.pooled = pooled
		defer func() {
			if err != nil {
				p.confined.release()
			}
		}()
	}
	cmd, err := e.command(p)
	if err != nil {
		return nil, err
	}
	inst := &Instance{
		id: id, spec: spec, dir: dir, cmd: cmd, custom: fc.IsCustom(spec.Runtime), port: p.port,
		addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)),
		log:    e.log.With("function", spec.Function, "instance", id),
		exited: make(chan struct{}),
		jail:   p.confined,
		pooled: pooled,
		held:   p.heldPort,
		dial:   (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	if inst.jail != nil {
		inst.dial = inst.jail.dial
	}
	base := "http://" + inst.addr
	inst.urls.invoke, inst.urls.initialize, inst.urls.preStop = base+"/invoke", base+"/initialize", base+"/pre-stop"
	inst.client = newTransport(inst.custom, inst.addr, inst.dial)
	inst.client.poll = e.exchanges
	inst.headers = commonHeaders(spec, id)
	if err = inst.exec(); err != nil {
		return nil, err
	}
	return inst, nil
}

// plan decides where the instance's things are. Without the sandbox: a tmp
// dir in the scratch dir and a free loopback port. In it: /code, /tmp, the
// function's own port (the network namespace is the instance's), and a uid
// and cgroup of its own.
func (e *Engine) plan(p *launchPlan, dir string) (err error) {
	if e.iso == nil {
		p.codeDir, p.tmpDir = p.hostCodeDir, filepath.Join(dir, "tmp")
		if err := os.Mkdir(p.tmpDir, 0o700); err != nil {
			return fmt.Errorf("scratch dir: %w", err)
		}
		p.port, err = freePort()
		p.heldPort = err == nil
		return err
	}
	p.codeDir, p.tmpDir, p.port = codeMount, tmpMount, p.spec.Port
	if p.port <= 0 {
		p.port = fc.DefaultPort
	}
	p.rootDir = filepath.Join(dir, "root")
	if err := os.Mkdir(p.rootDir, 0o700); err != nil {
		return fmt.Errorf("scratch dir: %w", err)
	}
	p.confined, err = e.iso.confine(p)
	return err
}

// exec starts the process and the goroutines that watch it. A sandboxed
// process is then let past its jail's init.
func (i *Instance) exec() error {
	i.sink = sandbox.NewLogSink(i.spec.Logs)
	c, err := newCapture(i.sink)
	if err != nil {
		return err
	}
	i.capture = c
	i.cmd.Stdout, i.cmd.Stderr = c.w, c.w
	if i.pooled != nil && i.pooled.child != nil {
		i.cmd.Stdin = i.pooled.child
	}
	err = i.start()
	if i.pooled != nil && i.pooled.child != nil { // the runtime has its copy
		i.pooled.child.Close()
		i.pooled.child = nil
	}
	if err != nil {
		c.w.Close()
		c.r.Close()
		return err
	}
	i.pid = i.cmd.Process.Pid
	if i.jail != nil {
		i.memory = newMemoryMeter(cgroupPeak{i.jail.cgroup})
	} else if i.memory, err = openMemoryMeter(i.pid); err != nil {
		i.log.Warn("no memory readings", "err", err)
	}
	if i.sink != nil {
		i.wg.Go(i.sink.Run)
	}
	i.wg.Go(c.run)
	i.wg.Go(i.wait)
	if i.jail != nil {
		run := i.jail.run
		if i.pooled != nil && i.pooled.kind == poolCustom {
			run = i.jail.prepare
		}
		if err := run(); err != nil {
			i.abort()
			return err
		}
	}
	return nil
}

// start starts the process: the program itself, or the init of its jail.
func (i *Instance) start() error {
	if i.jail != nil {
		err := i.jail.start()
		if err != nil && i.cmd.Process != nil {
			i.cmd.Wait()
		}
		return err
	}
	if err := i.cmd.Start(); err != nil {
		err = fmt.Errorf("exec %s: %w", i.cmd.Path, err)
		if i.custom { // the user's program: not executable, a bad interpreter line, …
			return &sandbox.InitError{Body: errorBody(err.Error(), sandbox.ErrorInitialization), Err: err}
		}
		return err
	}
	return nil
}

// exitStats is what the cgroup said when the process exited, kept because
// the cgroup is removed once the instance stops.
type exitStats struct {
	oomKilled bool
	peak      int64
}

// wait waits for the process to exit, kills what is left of its group,
// reaps it and lets the capture drain. Until the reap the zombie keeps the
// pid, so the group id cannot have been given to anyone else.
func (i *Instance) wait() {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, i.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != syscall.EINTR {
			break
		}
	}
	i.reapMu.Lock()
	syscall.Kill(-i.pid, syscall.SIGKILL)
	err := i.cmd.Wait()
	i.state, i.reaped = i.cmd.ProcessState, true
	i.exitedUnasked = !i.stopping.Load()
	i.reapMu.Unlock()
	if i.jail != nil { // read before close(exited): Stop may then remove the cgroup
		i.final = exitStats{oomKilled: i.jail.oomKilled(), peak: i.jail.cgroup.Peak()}
	}
	i.capture.closeWriter()
	close(i.exited)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		i.log.Warn("wait for instance", "err", err)
	}
	i.log.Debug("instance exited", "state", i.state.String())
}

// ID returns the instance id.
func (i *Instance) ID() string { return i.id }

// Done is closed once the process has exited and been reaped.
func (i *Instance) Done() <-chan struct{} { return i.exited }

// hasExited says whether the main process has been reaped.
func (i *Instance) hasExited() bool {
	select {
	case <-i.exited:
		return true
	default:
		return false
	}
}

// signal sends sig to the instance's process group until the reap; after
// it the group id may belong to someone else.
func (i *Instance) signal(sig syscall.Signal) {
	i.reapMu.Lock()
	defer i.reapMu.Unlock()
	if !i.reaped {
		syscall.Kill(-i.pid, sig)
	}
}

// maxMemory is the peak memory use so far: of the whole cgroup in the
// sandbox, else the main process's peak RSS (so far, or at exit). While the
// instance runs, a reading is reused for up to memoryFresh.
func (i *Instance) maxMemory() int64 {
	switch {
	case i.hasExited() && i.jail != nil:
		return i.final.peak
	case i.hasExited():
		return maxRSS(i.state)
	case i.memory == nil:
		return 0
	}
	return i.memory.peak()
}

// heldPorts are the loopback ports given to instances without the sandbox
// (of every engine in this process) until they stop. A port is chosen by
// binding port 0 and closing; until the runtime binds it, the kernel may
// hand the same port out again, and a pre-warmed runtime holds its port
// for long. So freePort skips held ports.
var heldPorts sync.Map // int → struct{}

// freePort returns a loopback TCP port that was free a moment ago and is
// held by no other instance; releasePort gives it back.
func freePort() (int, error) {
	for range 64 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("free port: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if _, held := heldPorts.LoadOrStore(port, struct{}{}); !held {
			return port, nil
		}
	}
	return 0, fmt.Errorf("free port: every port offered is held by an instance")
}

func releasePort(port int) { heldPorts.Delete(port) }

// newID returns a random UUID-shaped id.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
