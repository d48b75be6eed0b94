package fc_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

// limitCase changes one thing on validFunction; mentions is nil when the
// result is valid, else what the error message must contain.
type limitCase struct {
	name     string
	change   func(*fc.Function)
	mentions []string
}

func runLimitCases(t *testing.T, tests []limitCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := validFunction()
			tc.change(f)
			err := fc.Validate(f, available)
			if tc.mentions == nil {
				checkValid(t, err)
				return
			}
			checkInvalid(t, err, tc.mentions...)
		})
	}
}

func TestValidateTimeout(t *testing.T) {
	set := func(v int) func(*fc.Function) { return func(f *fc.Function) { f.Timeout = v } }
	runLimitCases(t, []limitCase{
		{"minimum", set(1), nil},
		{"maximum", set(86400), nil},
		{"zero", set(0), []string{"timeout", "0"}},
		{"negative", set(-1), []string{"timeout", "-1"}},
		{"above maximum", set(86401), []string{"timeout", "86401"}},
	})
}

func TestValidateMemory(t *testing.T) {
	// cpu keeps the ratio valid, so only memorySize can fail.
	set := func(mem int, cpu float64) func(*fc.Function) {
		return func(f *fc.Function) { f.MemorySize, f.CPU = mem, cpu }
	}
	runLimitCases(t, []limitCase{
		{"127 below minimum", set(127, 0.1), []string{"memorySize", "127"}},
		{"128 minimum", set(128, 0.1), nil},
		{"129 not a multiple of 64", set(129, 0.1), []string{"memorySize", "129"}},
		{"192 a multiple of 64", set(192, 0.1), nil},
		{"32768 maximum", set(32768, 16), nil},
		{"32832 above maximum", set(32832, 16), []string{"memorySize", "32832"}},
	})
}

func TestValidateCPU(t *testing.T) {
	set := func(mem int, cpu float64) func(*fc.Function) {
		return func(f *fc.Function) { f.MemorySize, f.CPU = mem, cpu }
	}
	runLimitCases(t, []limitCase{
		{"step of 0.05", set(512, 0.35), nil},
		{"minimum 0.05", set(128, 0.05), nil},
		{"maximum 16", set(32768, 16), nil},
		{"not a step of 0.05", set(512, 0.33), []string{"cpu", "0.33"}},
		{"zero", set(512, 0), []string{"cpu"}},
		{"below minimum", set(128, 0.04), []string{"cpu", "0.04"}},
		{"above maximum", set(32768, 16.05), []string{"cpu", "16.05"}},
		{"ratio 1:1", set(1024, 1), nil},
		{"ratio 1:4", set(4096, 1), nil},
		{"ratio below 1:1", set(1024, 1.05), []string{"cpu", "memorySize", "1024"}},
		{"ratio above 1:4", set(4096, 0.95), []string{"cpu", "memorySize", "4096"}},
	})
}

func TestValidateDiskSize(t *testing.T) {
	set := func(v int) func(*fc.Function) { return func(f *fc.Function) { f.DiskSize = v } }
	runLimitCases(t, []limitCase{
		{"512", set(512), nil},
		{"10240", set(10240), nil},
		{"zero", set(0), []string{"diskSize", "0"}},
		{"between the sizes", set(1024), []string{"diskSize", "1024"}},
	})
}

func TestValidateInstanceConcurrency(t *testing.T) {
	set := func(v int) func(*fc.Function) { return func(f *fc.Function) { f.InstanceConcurrency = v } }
	runLimitCases(t, []limitCase{
		{"one", set(1), nil},
		{"maximum", set(200), nil},
		{"zero", set(0), []string{"instanceConcurrency", "0"}},
		{"above maximum", set(201), []string{"instanceConcurrency", "201"}},
	})
}

func TestValidateEnvironmentVariables(t *testing.T) {
	set := func(env map[string]string) func(*fc.Function) {
		return func(f *fc.Function) { f.EnvironmentVariables = env }
	}
	// "K" and its value together are exactly the limit.
	atLimit := strings.Repeat("v", fc.MaxEnvBytes-1)
	runLimitCases(t, []limitCase{
		{"nil", set(nil), nil},
		{"valid names", set(map[string]string{"A": "1", "_b": "", "C_9": "x"}), nil},
		{"leading digit", set(map[string]string{"1A": "x"}), []string{"environment variable", "1A"}},
		{"dash", set(map[string]string{"A-B": "x"}), []string{"environment variable", "A-B"}},
		{"empty name", set(map[string]string{"": "x"}), []string{"environment variable"}},
		{"total at the limit", set(map[string]string{"K": atLimit}), nil},
		{"total over the limit", set(map[string]string{"K": atLimit + "v"}), []string{"environmentVariables", "4097"}},
		{"total over the limit in many", set(manyEnv(fc.MaxEnvBytes/64 + 1)), []string{"environmentVariables"}},
	})
}

// manyEnv returns n variables of 64 bytes (name and value) each.
func manyEnv(n int) map[string]string {
	env := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("V%05d", i)
		env[name] = strings.Repeat("x", 64-len(name))
	}
	return env
}

func TestValidateLifecycle(t *testing.T) {
	hook := func(init, preStop *fc.LifecycleHook) func(*fc.Function) {
		return func(f *fc.Function) {
			f.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{Initializer: init, PreStop: preStop}
		}
	}
	h := func(handler string, timeout int) *fc.LifecycleHook {
		return &fc.LifecycleHook{Handler: handler, Timeout: timeout}
	}
	runLimitCases(t, []limitCase{
		{"empty config", hook(nil, nil), nil},
		{"initializer without timeout", hook(h("index.init", 0), nil), nil},
		{"initializer maximum", hook(h("index.init", 300), nil), nil},
		{"initializer above maximum", hook(h("index.init", 301), nil),
			[]string{"instanceLifecycleConfig.initializer.timeout", "301"}},
		{"initializer negative", hook(h("index.init", -1), nil),
			[]string{"instanceLifecycleConfig.initializer.timeout", "-1"}},
		{"initializer bad handler", hook(h("init", 10), nil),
			[]string{"instanceLifecycleConfig.initializer.handler", "init"}},
		{"preStop maximum", hook(nil, h("index.stop", 90)), nil},
		{"preStop above maximum", hook(nil, h("index.stop", 91)),
			[]string{"instanceLifecycleConfig.preStop.timeout", "91"}},
		{"preStop command only", hook(nil, &fc.LifecycleHook{Command: []string{"true"}, Timeout: 91}),
			[]string{"instanceLifecycleConfig.preStop.timeout", "91"}},
		{"timeout without handler", hook(&fc.LifecycleHook{Timeout: 1000}, nil),
			[]string{"instanceLifecycleConfig.initializer.timeout", "1000"}},
		{"valid timeout without handler", hook(&fc.LifecycleHook{Timeout: 10}, nil),
			[]string{"instanceLifecycleConfig.initializer.handler", "required"}},
		{"custom runtime switch", func(f *fc.Function) {
			f.Runtime, f.Handler = "custom.debian12", ""
			f.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{Initializer: h("true", 10)}
		}, nil},
	})
}

func TestValidateCustomRuntimePort(t *testing.T) {
	port := func(p int) func(*fc.Function) {
		return func(f *fc.Function) {
			f.Runtime, f.Handler = "custom.debian12", ""
			f.CustomRuntimeConfig = &fc.CustomRuntimeConfig{Command: []string{"./server"}, Port: p}
		}
	}
	runLimitCases(t, []limitCase{
		{"unset means the default", port(0), nil},
		{"default", port(fc.DefaultPort), nil},
		{"lowest", port(1), nil},
		{"highest", port(65535), nil},
		{"negative", port(-1), []string{"customRuntimeConfig.port", "-1"}},
		{"above 65535", port(65536), []string{"customRuntimeConfig.port", "65536"}},
	})
}

func TestValidateDescription(t *testing.T) {
	set := func(n int) func(*fc.Function) {
		return func(f *fc.Function) { f.Description = strings.Repeat("d", n) }
	}
	runLimitCases(t, []limitCase{
		{"at the limit", set(fc.MaxDescription), nil},
		{"over the limit", set(fc.MaxDescription + 1), []string{"description", "256"}},
		{"characters, not bytes", func(f *fc.Function) { f.Description = strings.Repeat("函", fc.MaxDescription) }, nil},
	})
}

func TestValidateName(t *testing.T) {
	runLimitCases(t, []limitCase{
		{"leading digit", func(f *fc.Function) { f.FunctionName = "9lives" }, []string{"functionName", "9lives"}},
	})
}

func TestValidateWasm(t *testing.T) {
	wasm := func(handler string, lc *fc.InstanceLifecycleConfig) func(*fc.Function) {
		return func(f *fc.Function) {
			f.Runtime, f.Handler, f.InstanceLifecycleConfig = "wasm.wasip1", handler, lc
		}
	}
	avail := append(available, "wasm.wasip1")
	for _, tc := range []limitCase{
		{"module file", wasm("main.wasm", nil), nil},
		{"not a module", wasm("index.handler", nil), []string{"handler", "main.wasm"}},
		{"initializer", wasm("main.wasm", &fc.InstanceLifecycleConfig{Initializer: &fc.LifecycleHook{Handler: "main.init"}}),
			[]string{"instanceLifecycleConfig", "wasm.wasip1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validFunction()
			tc.change(f)
			err := fc.Validate(f, avail)
			if tc.mentions == nil {
				checkValid(t, err)
				return
			}
			checkInvalid(t, err, tc.mentions...)
		})
	}
}
