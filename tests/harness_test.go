package tests

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// Test credentials given to every node on first start.
const (
	testAK     = "YUNTESTADMINKEY0001"
	testSecret = "test-secret-0123456789abcdefghij"
)

var (
	yunBin  string // the binary under test, built once by TestMain
	repoDir string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	repoDir = filepath.Dir(filepath.Dir(file))
	tmp, err := os.MkdirTemp("", "yun-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	yunBin = filepath.Join(tmp, "yun")
	build := exec.Command("go", "build", "-o", yunBin, "./cmd/yun")
	build.Dir = repoDir
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build yun: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// node is one running `yun server` process.
type node struct {
	t        *testing.T
	dataDir  string
	home     string
	endpoint string
	cmd      *exec.Cmd
	stdout   *syncBuffer
	stderr   *syncBuffer
	done     chan struct{}
}

// startNode starts `yun server` on a random loopback port over dataDir (a new
// one if empty) and waits until it serves.
func startNode(t *testing.T, dataDir string, extraArgs ...string) *node {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	n := &node{t: t, dataDir: dataDir, home: t.TempDir(), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	args := append([]string{"server", "--listen", "127.0.0.1:0", "--keep-alive", "1m", "--shutdown-timeout", "10s"}, extraArgs...)
	n.cmd = exec.Command(yunBin, args...)
	n.cmd.Env = n.env("YUN_DATA_DIR="+dataDir, "YUN_ADMIN_ACCESS_KEY_ID="+testAK, "YUN_ADMIN_ACCESS_KEY_SECRET="+testSecret)
	n.cmd.Stderr = n.stderr
	out, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("start yun server: %v", err)
	}
	endpoint := make(chan string, 1)
	go n.readStdout(out, endpoint)
	go func() { n.cmd.Wait(); close(n.done) }()
	t.Cleanup(func() {
		n.stop()
		if t.Failed() {
			t.Logf("yun server log:\n%s", tailLines(n.stderr.String(), 60))
		}
	})
	select {
	case n.endpoint = <-endpoint:
	case <-n.done:
		t.Fatalf("yun server exited before serving:\n%s", n.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("yun server did not report its endpoint within 60s:\n%s", n.stderr.String())
	}
	return n
}

func (n *node) readStdout(r io.Reader, endpoint chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		n.stdout.Write([]byte(line + "\n"))
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "endpoint:"); ok {
			endpoint <- strings.TrimSpace(v)
		}
	}
}

// env is a clean environment for the server and the CLI: only what they need.
func (n *node) env(extra ...string) []string {
	return append([]string{"PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin", "HOME=" + n.home,
		"YUN_CONFIG=" + filepath.Join(n.home, "config.json")}, extra...)
}

// stop ends the server with SIGTERM (the graceful path) and waits for it.
func (n *node) stop() {
	select {
	case <-n.done:
		return
	default:
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
		n.t.Errorf("yun server did not stop within 30s of SIGTERM")
	}
}

// kill ends the server with SIGKILL, as a crash would.
func (n *node) kill() {
	n.cmd.Process.Kill()
	<-n.done
}

// client is a Go API client with the admin key.
func (n *node) client() *client.Client {
	return client.New(n.endpoint, testAK, testSecret)
}

// cli runs the yun CLI against this node with the config the server wrote.
func (n *node) cli(stdin string, args ...string) (stdout, stderr string, code int) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, yunBin, args...)
	cmd.Env = n.env()
	cmd.Dir = repoDir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		n.t.Fatalf("run yun %v: %v", args, err)
	}
	return out.String(), errb.String(), 0
}

// zipDir returns the base64 zip of a directory relative to the repository.
func zipDir(t *testing.T, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	root := filepath.Join(repoDir, dir)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		h.Name, h.Method = filepath.ToSlash(rel), zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatalf("zip %s: %v", dir, err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// zipFiles returns the base64 zip of in-memory files.
func zipFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// fn builds a FunctionInput for a create.
func fn(name, runtime, handler, zipB64 string) *fc.FunctionInput {
	return &fc.FunctionInput{FunctionName: &name, Runtime: &runtime, Handler: &handler,
		Code: &fc.InputCodeLocation{ZipFile: zipB64}}
}

func ptr[T any](v T) *T { return &v }

// syncBuffer is a bytes.Buffer safe for a writer and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
