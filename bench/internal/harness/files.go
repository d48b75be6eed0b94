package harness

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/bench/internal/report"
)

// Output is what a scenario writes: NAME.md and NAME.svg next to each other
// in Out, NAME-requests.csv in RawDir.
type Output struct {
	Name    string
	Report  string
	SVG     []byte // nil for none
	Samples []load.Sample
}

// Write writes the output's files and returns the report's path.
func (e *Env) Write(o Output) (string, error) {
	if err := os.MkdirAll(e.Out, 0o755); err != nil {
		return "", fmt.Errorf("write %s: %w", o.Name, err)
	}
	if o.SVG != nil {
		if err := os.WriteFile(filepath.Join(e.Out, o.Name+".svg"), o.SVG, 0o644); err != nil {
			return "", fmt.Errorf("write %s: %w", o.Name, err)
		}
	}
	if o.Samples != nil {
		if err := report.WriteSamples(filepath.Join(e.RawDir(), o.Name+"-requests.csv"), o.Samples); err != nil {
			return "", err
		}
	}
	path := filepath.Join(e.Out, o.Name+".md")
	if err := os.WriteFile(path, []byte(o.Report), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", o.Name, err)
	}
	return path, nil
}
