package process_test

import (
	"log/slog"
	"testing"

	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process"
	"github.com/yun-fc/yun/internal/sandbox/sandboxtest"
)

func TestConformance(t *testing.T) {
	sandboxtest.Run(t, func(t *testing.T) sandbox.Engine {
		e, err := process.New(process.Config{RunDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatalf("New = %v, want nil", err)
		}
		return e
	})
}
