package process_test

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/sandboxtest"
)

// newEngine returns an engine with isolation (process.IsolationSandbox or
// IsolationNone), skipping the test where this host cannot sandbox.
func newEngine(t *testing.T, isolation string) *process.Engine {
	t.Helper()
	e, err := process.New(process.Config{RunDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler), Isolation: isolation})
	if errors.Is(err, process.ErrIsolationUnavailable) {
		t.Skipf("no sandbox on this host: %v", err)
	}
	if err != nil {
		t.Fatalf("New = %v, want nil", err)
	}
	return e
}

func TestConformance(t *testing.T) {
	for _, isolation := range []string{process.IsolationSandbox, process.IsolationNone} {
		t.Run(isolation, func(t *testing.T) {
			sandboxtest.Run(t, func(t *testing.T) sandbox.Engine { return newEngine(t, isolation) })
		})
		// The same suite with pre-warmed sandboxes: its cases start many
		// instances at once, so some take a pooled sandbox and some miss.
		t.Run(isolation+"+prewarm", func(t *testing.T) {
			sandboxtest.Run(t, func(t *testing.T) sandbox.Engine { return newPooledEngine(t, isolation) })
		})
	}
}

func TestIsolation(t *testing.T) {
	sandboxtest.RunIsolation(t, func(t *testing.T) sandbox.Engine { return newEngine(t, process.IsolationSandbox) })
}

// TestIsolationPrewarmed runs the isolation probes in pre-warmed sandboxes
// (each case waits for its pool): they must be exactly as contained.
func TestIsolationPrewarmed(t *testing.T) {
	sandboxtest.RunIsolation(t, func(t *testing.T) sandbox.Engine {
		e := newPooledEngine(t, process.IsolationSandbox)
		for _, kind := range []string{"nodejs", "python"} {
			awaitReady(t, e, kind)
		}
		return e
	})
}
