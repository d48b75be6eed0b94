package jail

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// loopbackUp brings up lo, the only interface of the jail's network
// namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	defer unix.Close(fd)
	req, err := unix.NewIfreq("lo")
	if err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, req); err != nil {
		return fmt.Errorf("loopback flags: %w", err)
	}
	req.SetUint16(req.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, req); err != nil {
		return fmt.Errorf("loopback up: %w", err)
	}
	return nil
}

// Dial connects to addr ("127.0.0.1:9000") inside the network namespace
// netns (an open /proc/PID/ns/net). The socket is made on a thread that
// enters netns and returns to the host's namespace; a socket stays in the
// namespace it was made in. If the thread cannot return, it is not unlocked,
// so Go ends it with its goroutine and no other goroutine runs in the
// jail's namespace.
func (h *Host) Dial(ctx context.Context, netns *os.File, addr string) (net.Conn, error) {
	type result struct {
		conn net.Conn
		err  error
	}
	done := make(chan result, 1)
	go func() { // ends after one dial
		runtime.LockOSThread()
		conn, err := h.dialIn(ctx, netns, addr)
		done <- result{conn, err}
	}()
	r := <-done
	return r.conn, r.err
}

// dialIn runs on a locked thread; it unlocks it only once back home.
func (h *Host) dialIn(ctx context.Context, netns *os.File, addr string) (net.Conn, error) {
	if err := unix.Setns(int(netns.Fd()), unix.CLONE_NEWNET); err != nil {
		return nil, fmt.Errorf("enter the jail's network namespace: %w", err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err := unix.Setns(int(h.netns.Fd()), unix.CLONE_NEWNET); err != nil {
		if conn != nil {
			conn.Close()
		}
		return nil, fmt.Errorf("return to the host's network namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return conn, err
}
