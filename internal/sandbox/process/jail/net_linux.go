package jail

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"time"

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
// netns (an open /proc/PID/ns/net). Only the socket is made in the jail's
// namespace, on a thread locked for that one call (a socket stays in the
// namespace it was made in); the connect then waits in Go's poller like any
// dial, so a runtime that never accepts holds no thread of Yun's, however
// many connections wait for it.
func (h *Host) Dial(ctx context.Context, netns *os.File, addr string) (net.Conn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err == nil && ap.Addr().Zone() != "" {
		err = fmt.Errorf("an address with a zone is not supported")
	}
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	fd, err := h.socketIn(netns, ap.Addr())
	if err != nil {
		return nil, err
	}
	return connect(ctx, fd, ap)
}

// socketIn makes a non-blocking TCP socket in netns. The thread enters
// netns and returns to the host's namespace; if it cannot return, it is not
// unlocked, so Go ends it with its goroutine and no other goroutine runs in
// the jail's namespace.
func (h *Host) socketIn(netns *os.File, a netip.Addr) (int, error) {
	type result struct {
		fd  int
		err error
	}
	done := make(chan result, 1)
	go func() { // ends after one socket
		runtime.LockOSThread()
		if err := unix.Setns(int(netns.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- result{-1, fmt.Errorf("enter the jail's network namespace: %w", err)}
			return
		}
		family := unix.AF_INET
		if a.Is6() && !a.Is4In6() {
			family = unix.AF_INET6
		}
		fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
		if err := unix.Setns(int(h.netns.Fd()), unix.CLONE_NEWNET); err != nil {
			if fd >= 0 {
				unix.Close(fd)
			}
			done <- result{-1, fmt.Errorf("return to the host's network namespace: %w", err)}
			return
		}
		runtime.UnlockOSThread()
		if err != nil {
			err = fmt.Errorf("socket in the jail's network namespace: %w", err)
		}
		done <- result{fd, err}
	}()
	r := <-done
	return r.fd, r.err
}

// aLongTimeAgo is a deadline in the past: it ends a wait at once.
var aLongTimeAgo = time.Unix(1, 0)

// connect connects the non-blocking socket fd to ap, waiting in Go's
// poller until it is connected, refused, or ctx ends; it owns fd. The
// socket joins the poller before connect(2) is called, as net's own dials
// do: the poller forgets what happened before a wait begins, and the
// kernel reports the connection's end only once.
func connect(ctx context.Context, fd int, ap netip.AddrPort) (net.Conn, error) {
	var sa unix.Sockaddr
	if a := ap.Addr(); a.Is4() || a.Is4In6() {
		sa = &unix.SockaddrInet4{Port: int(ap.Port()), Addr: a.Unmap().As4()}
	} else {
		sa = &unix.SockaddrInet6{Port: int(ap.Port()), Addr: a.As16()}
	}
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Addr: net.TCPAddrFromAddrPort(ap), Err: err}
	}
	f := os.NewFile(uintptr(fd), "jail-dial") // non-blocking: in the poller
	defer f.Close()                           // FileConn keeps a duplicate
	if dl, ok := ctx.Deadline(); ok {
		f.SetWriteDeadline(dl)
	}
	defer context.AfterFunc(ctx, func() { f.SetWriteDeadline(aLongTimeAgo) })()
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, opErr(err)
	}
	started, connErr := false, error(nil)
	err = rc.Write(func(fd uintptr) bool {
		if !started { // the poller is ready for its answer now
			started = true
			switch err := unix.Connect(int(fd), sa); err {
			case nil, unix.EISCONN:
				return true
			case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
				return false // writable once connected or refused
			default:
				connErr = os.NewSyscallError("connect", err)
				return true
			}
		}
		n, err := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR)
		switch {
		case err != nil:
			connErr = os.NewSyscallError("getsockopt", err)
		case n == int(unix.EINPROGRESS) || n == int(unix.EALREADY) || n == int(unix.EINTR):
			return false
		case n != 0:
			connErr = os.NewSyscallError("connect", unix.Errno(n))
		default: // the poller may wake a waiter early: connected only with a peer
			if _, err := unix.Getpeername(int(fd)); err != nil {
				return false
			}
		}
		return true
	})
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, opErr(ctx.Err())
	case err != nil:
		return nil, opErr(err)
	case connErr != nil:
		return nil, opErr(connErr)
	}
	f.SetWriteDeadline(time.Time{})
	c, err := net.FileConn(f)
	if err != nil {
		return nil, opErr(err)
	}
	return c, nil
}
