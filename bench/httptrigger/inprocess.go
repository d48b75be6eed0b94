package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// inProcess runs the API's BenchmarkServePaths: the server's own work per
// request on each path, in process, with a scheduler that answers at once —
// free of the network, the runtime and most of the machine's noise. It
// returns the benchmark's result lines.
func inProcess(ctx context.Context) ([]string, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "./internal/api", "-run", "^$", "-bench", "^BenchmarkServePaths$",
		"-benchtime", "20000x", "-benchmem", "-count", "3")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("in-process benchmark: %v\n%s", err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "BenchmarkServePaths/") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
	}
	return lines, nil
}
