package hostile

import (
	"os"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/tests/testnode"
)

func TestMain(m *testing.M) { os.Exit(testnode.Main(m)) }

// node is a running yun server (package testnode).
type node struct{ *testnode.Node }

// startNode starts a server over a new data directory.
func startNode(t *testing.T) *node { return &node{testnode.Start(t, "")} }

// alive fails the test if the server has exited.
func (n *node) alive(t *testing.T) {
	t.Helper()
	select {
	case <-n.Done:
		t.Fatalf("yun server exited:\n%s", n.Stderr.String())
	default:
	}
}

// function is a FunctionInput for the code in testdata/dir. Its timeout is
// generous: the scheduler bounds a request's wait for a cold start by it,
// and a loaded machine starts slowly.
func function(t *testing.T, name, runtime, dir string) *fc.FunctionInput {
	in := testnode.Fn(name, runtime, "index.handler", testnode.ZipDir(t, "tests/hostile/testdata/"+dir))
	in.Timeout = ptr(30)
	return in
}

func ptr[T any](v T) *T { return &v }
