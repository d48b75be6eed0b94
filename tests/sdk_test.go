package tests

import (
	"context"
	"github.com/yun-fc/yun/tests/testnode"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNodeSDK runs tests/sdk/functions.test.mjs and resources.test.mjs —
// the official FC 3.0 Node SDK, unchanged — against a real server. The test command installs the SDK
// (npm ci in tests/sdk); without it the test is skipped locally and fails
// where YUN_TEST_REQUIRE_SDK is set.
func TestNodeSDK(t *testing.T) {
	sdkDir := filepath.Join(testnode.RepoDir, "tests", "sdk")
	if _, err := os.Stat(filepath.Join(sdkDir, "node_modules", "@alicloud", "fc20230330")); err != nil {
		if os.Getenv("YUN_TEST_REQUIRE_SDK") != "" {
			t.Fatalf("the FC Node SDK is not installed in %s (run `npm ci` there): %v", sdkDir, err)
		}
		t.Skipf("the FC Node SDK is not installed in %s; run `npm ci` there or `make test`", sdkDir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is required: %v", err)
	}
	n := startNode(t, "")
	fixtures := t.TempDir()
	for name, dir := range map[string]string{
		"hello-node": "examples/hello-node", "hello-python": "examples/hello-python", "hello-custom": "examples/hello-custom",
		"node-error": "tests/testdata/functions/node-error", "node-init": "tests/testdata/functions/node-init",
		"node-slow": "tests/testdata/functions/node-slow", "node-flaky": "tests/testdata/functions/node-flaky",
		"node-layer": "tests/testdata/functions/node-layer", "layer-greet": "tests/testdata/layers/greet",
	} {
		if err := os.WriteFile(filepath.Join(fixtures, name+".zip.b64"), []byte(zipDir(t, dir)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "functions.test.mjs", "resources.test.mjs")
	cmd.Dir = sdkDir
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + n.Home,
		"YUN_SDK_ENDPOINT=" + strings.TrimPrefix(n.Endpoint, "http://"),
		"YUN_SDK_AK=" + testAK, "YUN_SDK_SECRET=" + testSecret, "YUN_SDK_FIXTURES=" + fixtures}
	out, err := cmd.CombinedOutput()
	t.Logf("node --test output:\n%s", out)
	if err != nil {
		t.Fatalf("the Node SDK suite failed: %v\nserver log:\n%s", err, n.Stderr.String())
	}
}
