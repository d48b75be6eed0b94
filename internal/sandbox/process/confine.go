package process

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// confinement is one sandboxed instance's jail, cgroup, network namespace
// and uid. It exists from launch to Stop; release is idempotent.
type confinement struct {
	iso    *isolation
	launch *jail.Launch
	cgroup *jail.Cgroup
	netns  *os.File // /proc/PID/ns/net of the instance, open until release
	uid    int
	// internetAccess: start attaches the namespace (internet.go); detach undoes it.
	internetAccess bool
	detach         func() error
	pooled         *prewarmed // set while launching a pre-warmed sandbox

	once       sync.Once
	releaseErr error
}

// confine takes a uid and makes the cgroup of instance id; p gets the uid.
func (iso *isolation) confine(p *launchPlan) (_ *confinement, err error) {
	c := &confinement{iso: iso, internetAccess: p.spec.InternetAccess}
	if c.uid, err = iso.uids.get(); err != nil {
		return nil, err
	}
	p.uid = c.uid
	if c.cgroup, err = iso.host.NewCgroup(iso.cgroupPrefix+p.id, iso.limits(p.spec)); err != nil {
		iso.uids.put(c.uid)
		return nil, err
	}
	if p.prewarm { // until claimed (isolation.fill)
		if err := c.cgroup.SetBackground(true); err != nil {
			c.cgroup.Remove()
			iso.uids.put(c.uid)
			return nil, err
		}
	}
	return c, nil
}

// start starts the jail's init, puts it in the cgroup and keeps a handle on
// its network namespace. On error the init is killed; the caller reaps it.
func (c *confinement) start() error {
	if err := c.launch.Start(); err != nil {
		return err
	}
	pid := c.launch.Cmd.Process.Pid
	err := c.cgroup.Add(pid)
	if err == nil {
		c.netns, err = os.Open("/proc/" + strconv.Itoa(pid) + "/ns/net")
	}
	if err == nil && c.internetAccess {
		c.detach = c.iso.internet.attach(c.netns)
	}
	if err != nil {
		c.launch.Abort()
		return fmt.Errorf("confine: %w", err)
	}
	return nil
}

// run lets the init exec the runtime. A runtime that cannot be executed is
// the user's *sandbox.InitError.
func (c *confinement) run() error {
	err := c.launch.Release()
	if jail.IsExecError(err) {
		return &sandbox.InitError{Body: errorBody(err.Error(), sandbox.ErrorInitialization), Err: err}
	}
	return err
}

// prepare lets the init of a pre-warmed custom jail build the jail; it
// then waits for the user's command (Engine.claim).
func (c *confinement) prepare() error { return c.launch.Prepare() }

// settle gives the booted instance the function's own CPU limit.
func (c *confinement) settle(cpu float64) error {
	if err := c.cgroup.SetCPU(cpu); err != nil {
		return fmt.Errorf("confine: %w", err)
	}
	return nil
}

// dial connects to the runtime inside the instance's network namespace.
func (c *confinement) dial(ctx context.Context, _, addr string) (net.Conn, error) {
	return c.iso.host.Dial(ctx, c.netns, addr)
}

// oomKilled says whether the kernel killed a process of the instance for
// exceeding its memory limit.
func (c *confinement) oomKilled() bool { return c.cgroup.OOMKills() > 0 }

// release closes the namespace handle, removes the cgroup (killing anything
// left in it) and returns the uid. The process must have exited.
func (c *confinement) release() error {
	c.once.Do(func() {
		if c.detach != nil {
			c.detach()
		}
		if c.netns != nil {
			c.netns.Close()
		}
		c.releaseErr = c.cgroup.Remove()
		if c.releaseErr == nil { // a uid whose processes may live on is not reused
			c.iso.uids.put(c.uid)
		}
	})
	return c.releaseErr
}
