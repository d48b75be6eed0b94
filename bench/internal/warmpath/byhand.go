package warmpath

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/yun-fc/yun/bench/internal/workload"
)

// byHand is the echo-port server started as a plain process on a loopback
// port: the "direct" side when Yun's instances are not reachable from the
// host.
type byHand struct {
	port string
	cmd  *exec.Cmd
	done chan struct{}
}

// startByHand starts node server.js from the repository with a clean
// environment on a free loopback port.
func startByHand(repo, home string) (*byHand, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("/usr/bin/env", "node", "server.js")
	cmd.Dir = filepath.Join(repo, workload.EchoPortDir)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home,
		"FC_CUSTOM_LISTEN_PORT=" + port, "ECHO_PORT_HOST=127.0.0.1"}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start echo-port by hand: %w", err)
	}
	b := &byHand{port: port, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); close(b.done) }()
	return b, nil
}

// pid is the hand-started server's process id.
func (b *byHand) pid() int { return b.cmd.Process.Pid }

// stop ends the server with SIGTERM by PID, then SIGKILL after 5 s.
func (b *byHand) stop() {
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
		b.cmd.Process.Kill()
		<-b.done
	}
}

// await polls d until the server answers with its port (at most 10 s).
func (b *byHand) await(ctx context.Context, d *direct) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if d.reaches(ctx, b.port) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("echo-port started by hand did not answer on port %s within 10s", b.port)
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}
