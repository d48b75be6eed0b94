package harness

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/yun-fc/yun/internal/client"
)

// The admin key pair every benchmark server is started with.
const (
	AccessKeyID     = "YUNBENCHKEY0001"
	AccessKeySecret = "bench-secret-0123456789"
)

// ServerConfig shapes one `yun server`.
type ServerConfig struct {
	Name      string        // names its data directory and its log file in RawDir
	KeepAlive time.Duration // --keep-alive; 0 for yun's default
	Args      []string      // more flags
}

// Server is a running `yun server` process.
type Server struct {
	Endpoint string
	PID      int
	LogPath  string // the server's stderr
	Limits   string // which flow-control limits apply, for the report

	cmd      *exec.Cmd
	done     chan struct{}
	stopOnce sync.Once
	stopErr  error
}

// StartServer builds yun if needed, starts a server and waits (at most a
// minute) until it prints its endpoint.
func (e *Env) StartServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	bin, err := e.Build(ctx)
	if err != nil {
		return nil, err
	}
	home := filepath.Join(e.Work, cfg.Name+"-home")
	data := filepath.Join(e.Work, cfg.Name+"-data")
	for _, d := range []string{home, data, e.RawDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("server %s: %w", cfg.Name, err)
		}
	}
	s := &Server{LogPath: filepath.Join(e.RawDir(), cfg.Name+"-server.log"), done: make(chan struct{})}
	endpoint := make(chan string, 1)
	if err := s.start(bin, cfg, home, data, endpoint); err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.servers = append(e.servers, s)
	e.mu.Unlock()
	if err := s.await(endpoint); err != nil {
		return nil, err
	}
	s.Limits = "the node's default flow-control limits (`-keep-limits`)"
	if !e.KeepLimits {
		s.Limits = LiftLimits(ctx, NewClient(s.Endpoint, 1))
	}
	return s, nil
}

func (s *Server) start(bin string, cfg ServerConfig, home, data string, endpoint chan string) error {
	args := []string{"server", "--listen", "127.0.0.1:0", "--client-config", "-"}
	if cfg.KeepAlive > 0 {
		args = append(args, "--keep-alive", cfg.KeepAlive.String())
	}
	log, err := os.Create(s.LogPath)
	if err != nil {
		return fmt.Errorf("server %s: %w", cfg.Name, err)
	}
	s.cmd = exec.Command(bin, append(args, cfg.Args...)...)
	s.cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home, "YUN_DATA_DIR=" + data,
		"YUN_ADMIN_ACCESS_KEY_ID=" + AccessKeyID, "YUN_ADMIN_ACCESS_KEY_SECRET=" + AccessKeySecret}
	s.cmd.Stdout, s.cmd.Stderr = &endpointWatcher{found: endpoint}, log
	if err := s.cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("server %s: start: %w", cfg.Name, err)
	}
	s.PID = s.cmd.Process.Pid
	go func() {
		s.cmd.Wait()
		log.Close()
		close(s.done)
	}()
	return nil
}

func (s *Server) await(endpoint <-chan string) error {
	select {
	case s.Endpoint = <-endpoint:
		return nil
	case <-s.done:
		return fmt.Errorf("yun server exited before serving; see %s", s.LogPath)
	case <-time.After(time.Minute):
		return fmt.Errorf("yun server did not print its endpoint within a minute; see %s", s.LogPath)
	}
}

// Stop sends SIGTERM to the server's PID and waits; after timeout it sends
// SIGKILL. Idempotent.
func (s *Server) Stop(timeout time.Duration) error {
	s.stopOnce.Do(func() {
		select {
		case <-s.done:
			return
		default:
		}
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(timeout):
			s.cmd.Process.Kill()
			<-s.done
			s.stopErr = fmt.Errorf("yun server (pid %d) ignored SIGTERM for %v and was killed", s.PID, timeout)
		}
	})
	return s.stopErr
}

// endpointWatcher is the server's stdout: it sends the URL of the first
// "endpoint: URL" line and discards the rest.
type endpointWatcher struct {
	found chan<- string
	line  []byte
	sent  bool
}

func (w *endpointWatcher) Write(p []byte) (int, error) {
	if w.sent {
		return len(p), nil
	}
	w.line = append(w.line, p...)
	for !w.sent {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			break
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(string(w.line[:i])), "endpoint:"); ok {
			w.found <- strings.TrimSpace(v)
			w.sent = true
		}
		w.line = w.line[i+1:]
	}
	return len(p), nil
}

// NewClient is an admin client of endpoint whose transport keeps up to
// conns connections alive, so that a load of that many requests in flight
// does not churn connections.
func NewClient(endpoint string, conns int) *client.Client {
	c := client.New(endpoint, AccessKeyID, AccessKeySecret)
	c.HTTPClient = &http.Client{Transport: NewTransport(conns)}
	return c
}

// NewTransport is a keep-alive HTTP transport for loopback loads.
func NewTransport(conns int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// Ping waits until the server answers an authenticated call (at most
// timeout).
func Ping(ctx context.Context, c *client.Client, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		_, err := c.ListFunctions(ctx, client.ListOptions{Limit: 1})
		if err == nil || ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}
