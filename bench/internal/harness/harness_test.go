package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEndpointWatcher(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"one write", []string{"Yun is running.\n  endpoint:   http://127.0.0.1:4242\n"}, "http://127.0.0.1:4242"},
		{"split across writes", []string{"Yun\n  endpo", "int: http://127.0.0.1:1", "0\nmore\n"}, "http://127.0.0.1:10"},
		{"first of two", []string{"endpoint: http://a\nendpoint: http://b\n"}, "http://a"},
		{"none", []string{"no endpoint here\n"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := make(chan string, 1)
			w := &endpointWatcher{found: found}
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(s))
				}
			}
			got := ""
			select {
			case got = <-found:
			default:
			}
			if got != tt.want {
				t.Errorf("endpoint = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFindRepo(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "bench", "cmd", "x")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := FindRepo(deep)
	if err != nil || got != root {
		t.Errorf("FindRepo = %q, %v; want %q", got, err, root)
	}
	if _, err := FindRepo("/"); err == nil {
		t.Errorf("FindRepo(/) = nil error, want no go.mod found")
	}
}

func TestWrite(t *testing.T) {
	env := &Env{Out: t.TempDir()}
	path, err := env.Write(Output{Name: "x", Report: "# x\n", SVG: []byte("<svg/>")})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, filepath.Join(env.Out, "x.svg")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(env.RawDir(), "x-requests.csv")); err == nil {
		t.Errorf("a CSV was written for an output without samples")
	}
}

func TestAwaitQuiet(t *testing.T) {
	// Any machine is at most 100 cores' worth busy: the first window ends it.
	busy, waited, err := AwaitQuiet(t.Context(), 100*100, time.Minute)
	if err != nil || busy < 0 || waited < time.Second {
		t.Errorf("AwaitQuiet(10000%%) = %v, %v, %v; want one window", busy, waited, err)
	}
	// No machine is -1% busy: it gives up at the timeout.
	_, waited, err = AwaitQuiet(t.Context(), -1, 1500*time.Millisecond)
	if err != nil || waited < 1500*time.Millisecond {
		t.Errorf("AwaitQuiet(-1%%) waited %v, %v; want at least the 1.5s timeout", waited, err)
	}
	for _, tt := range []struct {
		busy float64
		want string
	}{{30, "waiting 2s for a second"}, {80, "in vain"}} {
		if got := QuietNote(50, tt.busy, 2*time.Second); !strings.Contains(got, tt.want) {
			t.Errorf("QuietNote(50, %v) = %q, want it to contain %q", tt.busy, got, tt.want)
		}
	}
}
