package wasm

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/sandboxtest"
)

// TestConformance runs the part of the engine conformance suite that does
// not depend on a language runtime: testdata/conformance, built once and
// copied under every handler name the suite uses.
func TestConformance(t *testing.T) {
	built := filepath.Join(testRoot, "code-conformance")
	if err := buildModule(built, "./testdata/conformance"); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(filepath.Join(built, "main.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	code := t.TempDir()
	for _, h := range []string{"main.wasm", "index.echo", "index.context", "index.logs", "index.tagged", "index.sleep"} {
		if err := os.WriteFile(filepath.Join(code, h), bin, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Compile once before the cases start their instances side by side:
	// the engines share the compilation cache, and parallel first
	// compilations of one module would each do the whole work.
	start(t, newEngine(t, Config{}), testSpec(code)).Stop(context.Background())
	sandboxtest.RunModule(t, func(t *testing.T) sandbox.Engine { return newEngine(t, Config{}) },
		sandboxtest.Module{Runtime: Runtime, CodeDir: code, FreshPerInvocation: true})
}
