package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An explicit 0 for a scaling flag whose zero means "the default" is
// refused before anything starts.
func TestServerRefusesZeroScalingFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--max-queue-length", "0"},
		{"--max-queue-wait", "0s"},
		{"--max-instances", "0"},
		{"--start-rate", "0"},
		{"--start-burst", "0"},
		{"--target-utilization", "0"},
	} {
		t.Run(args[0], func(t *testing.T) {
			dir := t.TempDir()
			var stdout, stderr strings.Builder
			code := Run(context.Background(), append([]string{"server", "--data-dir", dir, "--client-config", "-"}, args...),
				strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
			if code == 0 || !strings.Contains(stderr.String(), args[0]+" 0: must be above 0") {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("the refused server wrote %s", filepath.Join(dir, entries[0].Name()))
			}
		})
	}
}
