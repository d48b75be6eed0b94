package warmpath

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// dialFunc is an http.Transport's DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// netnsDial returns a dialer that makes its sockets inside the network
// namespace of process pid, the way the process engine reaches a jailed
// instance: on a locked thread that enters the namespace, dials and returns
// home (a socket stays in the namespace it was made in). It needs
// CAP_SYS_ADMIN. If the thread cannot return home it stays locked, so Go ends
// it with its goroutine.
func netnsDial(pid int) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		type result struct {
			conn net.Conn
			err  error
		}
		done := make(chan result, 1)
		go func() { // ends after one dial
			runtime.LockOSThread()
			conn, err := dialIn(ctx, pid, network, addr)
			done <- result{conn, err}
		}()
		r := <-done
		return r.conn, r.err
	}
}

// dialIn runs on a locked thread and unlocks it only once back home.
func dialIn(ctx context.Context, pid int, network, addr string) (net.Conn, error) {
	home, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return nil, fmt.Errorf("open this thread's network namespace: %w", err)
	}
	defer home.Close()
	target, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return nil, fmt.Errorf("open the network namespace of %d: %w", pid, err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		return nil, fmt.Errorf("enter the network namespace of %d: %w", pid, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err := unix.Setns(int(home.Fd()), unix.CLONE_NEWNET); err != nil {
		if conn != nil {
			conn.Close()
		}
		return nil, fmt.Errorf("return to the host's network namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return conn, err
}
