package workload

import (
	"path/filepath"

	"github.com/yun-fc/yun/internal/fc"
)

// Where the functions' code lives, relative to the repository root.
const (
	NodeSlowDir = "tests/testdata/functions/node-slow"
	EchoPortDir = "bench/functions/echo-port"
)

// Size is an instance's memory and CPU. A zero CPU lets Yun derive it from
// the memory (FC's rule: 1 vCPU per 2 GB, so 128 MB gets 0.1 vCPU).
type Size struct {
	MemoryMB int
	CPU      float64
}

func (s Size) cpu() *float64 {
	if s.CPU == 0 {
		return nil
	}
	return &s.CPU
}

// NodeSlow is the Node.js function that sleeps the milliseconds given in its
// event, then answers "slept N ms".
func NodeSlow(repo, name string, concurrency int, size Size) (*fc.FunctionInput, error) {
	code, err := ZipDir(filepath.Join(repo, NodeSlowDir))
	if err != nil {
		return nil, err
	}
	return &fc.FunctionInput{FunctionName: &name, Runtime: ptr("nodejs20"), Handler: ptr("index.handler"),
		MemorySize: &size.MemoryMB, CPU: size.cpu(), InstanceConcurrency: &concurrency, Timeout: ptr(10),
		Code: &fc.InputCodeLocation{ZipFile: code}}, nil
}

// EchoPort is the custom-runtime function that answers its own port.
func EchoPort(repo, name string, concurrency int, size Size) (*fc.FunctionInput, error) {
	code, err := ZipDir(filepath.Join(repo, EchoPortDir))
	if err != nil {
		return nil, err
	}
	return &fc.FunctionInput{FunctionName: &name, Runtime: ptr("custom.debian12"), Handler: ptr("index.handler"),
		MemorySize: &size.MemoryMB, CPU: size.cpu(), InstanceConcurrency: &concurrency, Timeout: ptr(10),
		CustomRuntimeConfig: &fc.CustomRuntimeConfig{Command: []string{"node"}, Args: []string{"server.js"}},
		Code:                &fc.InputCodeLocation{ZipFile: code}}, nil
}

func ptr[T any](v T) *T { return &v }
