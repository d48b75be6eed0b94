// Package testnode runs a real `yun server` binary for end-to-end tests: it
// builds the binary once (Main), starts nodes on random loopback ports with
// their own data directories and a clean environment (Start), and gives the
// tests the clients users have: the Go client and the yun CLI.
package testnode

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/blob"
	"github.com/yun-fc/yun/internal/client"
	"github.com/yun-fc/yun/internal/fc"
)

// The admin key pair every node is given on first start.
const (
	AccessKeyID     = "YUNTESTADMINKEY0001"
	AccessKeySecret = "test-secret-0123456789abcdefghij"
)

var (
	yunBin string // the binary under test, built once by Main
	// RepoDir is the repository's root; paths given to ZipDir are relative to it.
	RepoDir string
)

// Main builds the yun binary and runs the tests; a test package's TestMain
// calls os.Exit(testnode.Main(m)).
func Main(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	RepoDir = filepath.Dir(filepath.Dir(filepath.Dir(file)))
	tmp, err := os.MkdirTemp("", "yun-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	yunBin = filepath.Join(tmp, "yun")
	build := exec.Command("go", "build", "-o", yunBin, "./cmd/yun")
	build.Dir = RepoDir
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build yun: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// Node is one running `yun server` process.
type Node struct {
	t        *testing.T
	DataDir  string
	Home     string // its $HOME, with the CLI config the server wrote
	Endpoint string
	Cmd      *exec.Cmd
	Stdout   *SyncBuffer
	Stderr   *SyncBuffer   // the server's structured log
	Done     chan struct{} // closed when the process has exited
}

// Start starts `yun server` on a random loopback port over dataDir (a new
// one if empty) and waits until it serves. The test's cleanup stops it and,
// if the test failed, logs the end of the server's log.
func Start(t *testing.T, dataDir string, extraArgs ...string) *Node {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	n := &Node{t: t, DataDir: dataDir, Home: t.TempDir(), Stdout: &SyncBuffer{}, Stderr: &SyncBuffer{}, Done: make(chan struct{})}
	args := append([]string{"server", "--listen", "127.0.0.1:0", "--keep-alive", "1m", "--shutdown-timeout", "10s"}, extraArgs...)
	n.Cmd = exec.Command(yunBin, args...)
	n.Cmd.Env = n.Env("YUN_DATA_DIR="+dataDir, "YUN_ADMIN_ACCESS_KEY_ID="+AccessKeyID, "YUN_ADMIN_ACCESS_KEY_SECRET="+AccessKeySecret)
	n.Cmd.Stderr = n.Stderr
	out, err := n.Cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Cmd.Start(); err != nil {
		t.Fatalf("start yun server: %v", err)
	}
	endpoint := make(chan string, 1)
	go n.readStdout(out, endpoint)
	go func() { n.Cmd.Wait(); close(n.Done) }()
	t.Cleanup(func() {
		n.Stop()
		if t.Failed() {
			t.Logf("yun server log:\n%s", tailLines(n.Stderr.String(), 60))
		}
	})
	select {
	case n.Endpoint = <-endpoint:
	case <-n.Done:
		t.Fatalf("yun server exited before serving:\n%s", n.Stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("yun server did not report its endpoint within 60s:\n%s", n.Stderr.String())
	}
	return n
}

func (n *Node) readStdout(r io.Reader, endpoint chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		n.Stdout.Write([]byte(line + "\n"))
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "endpoint:"); ok {
			endpoint <- strings.TrimSpace(v)
		}
	}
}

// Env is a clean environment for the server and the CLI: only what they need.
func (n *Node) Env(extra ...string) []string {
	return append([]string{"PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin", "HOME=" + n.Home,
		"YUN_CONFIG=" + filepath.Join(n.Home, "config.json")}, extra...)
}

// Stop ends the server with SIGTERM (the graceful path) and waits for it.
func (n *Node) Stop() {
	select {
	case <-n.Done:
		return
	default:
	}
	n.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.Done:
	case <-time.After(30 * time.Second):
		n.Cmd.Process.Kill()
		<-n.Done
		n.t.Errorf("yun server did not stop within 30s of SIGTERM")
	}
}

// Kill ends the server with SIGKILL, as a crash would.
func (n *Node) Kill() {
	n.Cmd.Process.Kill()
	<-n.Done
}

// Client is a Go API client with the admin key.
func (n *Node) Client() *client.Client {
	return client.New(n.Endpoint, AccessKeyID, AccessKeySecret)
}

// CLI runs the yun CLI against this node with the config the server wrote.
func (n *Node) CLI(stdin string, args ...string) (stdout, stderr string, code int) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, yunBin, args...)
	cmd.Env = n.Env()
	cmd.Dir = RepoDir
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

// ZipDir returns the base64 zip of a directory relative to the repository.
func ZipDir(t *testing.T, dir string) string {
	t.Helper()
	data, err := blob.ZipDir(filepath.Join(RepoDir, dir))
	if err != nil {
		t.Fatalf("zip %s: %v", dir, err)
	}
	return base64.StdEncoding.EncodeToString(data)
}

// ZipFiles returns the base64 zip of in-memory files.
func ZipFiles(t *testing.T, files map[string]string) string {
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

// Fn builds a FunctionInput for a create.
func Fn(name, runtime, handler, zipB64 string) *fc.FunctionInput {
	return &fc.FunctionInput{FunctionName: &name, Runtime: &runtime, Handler: &handler,
		Code: &fc.InputCodeLocation{ZipFile: zipB64}}
}

// SyncBuffer is a bytes.Buffer safe for a writer and readers.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
