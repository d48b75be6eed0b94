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
	}
}

func TestIsolation(t *testing.T) {
	sandboxtest.RunIsolation(t, func(t *testing.T) sandbox.Engine { return newEngine(t, process.IsolationSandbox) })
}
