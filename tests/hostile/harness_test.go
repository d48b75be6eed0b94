package hostile

import (
	"archive/zip"
	"bufio"
	"bytes"
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

// Test credentials given to the node on first start.
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
	repoDir = filepath.Join(filepath.Dir(file), "..", "..")
	tmp, err := os.MkdirTemp("", "yun-hostile-bin-")
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

// node is one running `yun server`.
type node struct {
	t        *testing.T
	dataDir  string
	endpoint string
	cmd      *exec.Cmd
	stderr   *syncBuffer
	done     chan struct{}
}

// startNode starts `yun server` on a random loopback port over a new data
// directory, in a clean environment, and waits until it serves.
func startNode(t *testing.T) *node {
	t.Helper()
	home := t.TempDir()
	n := &node{t: t, dataDir: t.TempDir(), stderr: &syncBuffer{}, done: make(chan struct{})}
	n.cmd = exec.Command(yunBin, "server", "--listen", "127.0.0.1:0", "--keep-alive", "1m", "--shutdown-timeout", "10s")
	n.cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home, "YUN_CONFIG=" + filepath.Join(home, "config.json"),
		"YUN_DATA_DIR=" + n.dataDir, "YUN_ADMIN_ACCESS_KEY_ID=" + testAK, "YUN_ADMIN_ACCESS_KEY_SECRET=" + testSecret}
	n.cmd.Stderr = n.stderr
	out, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatalf("start yun server: %v", err)
	}
	endpoint := make(chan string, 1)
	go readEndpoint(out, endpoint) // ends with the server's stdout
	go func() { n.cmd.Wait(); close(n.done) }()
	t.Cleanup(n.stop)
	select {
	case n.endpoint = <-endpoint:
	case <-n.done:
		t.Fatalf("yun server exited before serving:\n%s", n.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("yun server did not report its endpoint within 60s:\n%s", n.stderr.String())
	}
	return n
}

func readEndpoint(r io.Reader, endpoint chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "endpoint:"); ok {
			endpoint <- strings.TrimSpace(v)
		}
	}
}

// stop ends the server with SIGTERM and waits for it.
func (n *node) stop() {
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
		n.t.Errorf("yun server did not stop within 30s of SIGTERM")
	}
}

// alive fails the test if the server has exited.
func (n *node) alive(t *testing.T) {
	t.Helper()
	select {
	case <-n.done:
		t.Fatalf("yun server exited:\n%s", n.stderr.String())
	default:
	}
}

func (n *node) client() *client.Client { return client.New(n.endpoint, testAK, testSecret) }

// zipDir returns the base64 zip of a directory of testdata.
func zipDir(t *testing.T, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	root := filepath.Join("testdata", dir)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		w, err := zw.Create(filepath.ToSlash(rel))
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

// function is a FunctionInput for the code in testdata/dir. Its timeout is
// generous: the scheduler bounds a request's wait for a cold start by it,
// and a loaded machine starts slowly.
func function(t *testing.T, name, runtime, dir string) *fc.FunctionInput {
	return &fc.FunctionInput{FunctionName: &name, Runtime: &runtime, Handler: ptr("index.handler"),
		Code: &fc.InputCodeLocation{ZipFile: zipDir(t, dir)}, Timeout: ptr(30)}
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
