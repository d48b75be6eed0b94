package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Credentials of the server's admin key, given on its first start.
const (
	benchAK     = "YUNBENCHTRIGGER01"
	benchSecret = "bench-secret-0123456789abcdefghij"
)

// server is one `yun server` this benchmark built and started; stop ends
// it by PID and removes its directory.
type server struct {
	endpoint string
	cmd      *exec.Cmd
	done     chan struct{}
	dir      string
	stopOnce sync.Once
}

// startServer builds yun from the repository in the working directory and
// starts it on a random loopback port with a clean environment.
func startServer(ctx context.Context, progress io.Writer) (*server, error) {
	dir, err := os.MkdirTemp("", "yun-bench-httptrigger-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "yun")
	fmt.Fprintln(progress, "building yun …")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/yun").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("build yun (run from the repository root): %v\n%s", err, out)
	}
	s := &server{dir: dir, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "server", "--listen", "127.0.0.1:0", "--keep-alive", "10m")
	s.cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + dir, "YUN_DATA_DIR=" + filepath.Join(dir, "data"),
		"YUN_CONFIG=" + filepath.Join(dir, "config.json"),
		"YUN_ADMIN_ACCESS_KEY_ID=" + benchAK, "YUN_ADMIN_ACCESS_KEY_SECRET=" + benchSecret}
	s.cmd.Stderr = io.Discard
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start yun server: %w", err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	if s.endpoint, err = s.waitEndpoint(stdout); err != nil {
		s.stop()
		return nil, err
	}
	fmt.Fprintln(progress, "yun server at", s.endpoint)
	return s, nil
}

// waitEndpoint reads the server's "endpoint:" line; the rest of its output
// is drained so that the server never blocks on a full pipe.
func (s *server) waitEndpoint(stdout io.Reader) (string, error) {
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "endpoint:"); ok {
				select {
				case found <- strings.TrimSpace(v):
				default:
				}
			}
		}
	}()
	select {
	case ep := <-found:
		return ep, nil
	case <-s.done:
		return "", errors.New("yun server exited before serving")
	case <-time.After(time.Minute):
		return "", errors.New("yun server did not report its endpoint within a minute")
	}
}

// stop ends the server with SIGTERM, then SIGKILL after 30 s, and removes
// its directory. It is idempotent.
func (s *server) stop() {
	s.stopOnce.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.done
		}
		os.RemoveAll(s.dir)
	})
}
