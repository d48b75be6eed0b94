package fc

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

var (
	nameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
	envKeyRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	handlerRE = regexp.MustCompile(`^([A-Za-z0-9_\-][A-Za-z0-9_\-.]*/)*[A-Za-z0-9_\-][A-Za-z0-9_\-.]*\.[A-Za-z_$][A-Za-z0-9_$]*$`)
)

// ValidName checks a function name: 1–64 characters of [A-Za-z0-9_-], not
// starting with a digit or '-'.
func ValidName(name string) error {
	if !nameRE.MatchString(name) {
		return InvalidArgument("functionName %q is invalid: 1-64 characters of letters, digits, '_' and '-', not starting with a digit or '-'", name)
	}
	return nil
}

// ValidHandler checks a handler of the form [dir/]file.method.
func ValidHandler(field, h string) error {
	if !handlerRE.MatchString(h) || strings.Contains(h, "..") || strings.HasPrefix(h, "/") {
		return InvalidArgument("%s %q is invalid: want [dir/]file.method, e.g. index.handler", field, h)
	}
	return nil
}

// Apply copies the fields set in in onto f. With create set it first fills
// FC's defaults and accepts create-only fields; otherwise create-only fields are
// refused. Apply does not validate; call Validate on the result. Layers are
// left to the caller, who must resolve their ARNs.
func Apply(f *Function, in *FunctionInput, create bool) error {
	if create {
		*f = Function{Timeout: DefaultTimeout, MemorySize: DefaultMemorySize, DiskSize: DefaultDiskSize,
			InstanceConcurrency: DefaultConcurrency, InternetAccess: true, EnvironmentVariables: map[string]string{}}
		if in.FunctionName == nil {
			return InvalidArgument("functionName is required")
		}
		f.FunctionName = *in.FunctionName
		setIf(&f.ResourceGroupID, in.ResourceGroupID)
		f.Tags = in.Tags
	} else if in.FunctionName != nil || in.Tags != nil || in.ResourceGroupID != nil {
		return InvalidArgument("functionName, tags and resourceGroupId cannot be changed by UpdateFunction")
	}
	if len(in.CustomContainerConfig) > 0 && string(in.CustomContainerConfig) != "null" {
		return InvalidArgument("customContainerConfig is not supported: Yun runs code packages, not container images")
	}
	setIf(&f.Description, in.Description)
	setIf(&f.Runtime, in.Runtime)
	setIf(&f.Handler, in.Handler)
	setIf(&f.Timeout, in.Timeout)
	setIf(&f.DiskSize, in.DiskSize)
	setIf(&f.InstanceConcurrency, in.InstanceConcurrency)
	setIf(&f.InternetAccess, in.InternetAccess)
	setIf(&f.Role, in.Role)
	applyMemoryCPU(f, in, create)
	if in.EnvironmentVariables != nil {
		f.EnvironmentVariables = in.EnvironmentVariables
	}
	if in.CustomRuntimeConfig != nil {
		f.CustomRuntimeConfig = in.CustomRuntimeConfig
	}
	if in.InstanceLifecycleConfig != nil {
		f.InstanceLifecycleConfig = in.InstanceLifecycleConfig
	}
	setRaw(&f.LogConfig, in.LogConfig)
	setRaw(&f.VPCConfig, in.VPCConfig)
	setRaw(&f.NASConfig, in.NASConfig)
	setRaw(&f.OSSMountConfig, in.OSSMountConfig)
	setRaw(&f.TracingConfig, in.TracingConfig)
	setRaw(&f.CustomDNS, in.CustomDNS)
	setRaw(&f.GPUConfig, in.GPUConfig)
	return nil
}

// applyMemoryCPU sets memory and CPU. When the caller gives memory but no CPU,
// the CPU follows the memory at 1 vCPU per 2 GB (within FC's 1:1–1:4 ratio).
func applyMemoryCPU(f *Function, in *FunctionInput, create bool) {
	setIf(&f.MemorySize, in.MemorySize)
	switch {
	case in.CPU != nil:
		f.CPU = *in.CPU
	case create && in.MemorySize == nil:
		f.CPU = DefaultCPU
	case in.MemorySize != nil && (create || !cpuRatioOK(f.CPU, f.MemorySize)):
		f.CPU = math.Max(MinCPU, math.Ceil(float64(f.MemorySize)/1024/2/MinCPU)*MinCPU)
		f.CPU = math.Round(f.CPU*100) / 100
	}
}

func cpuRatioOK(cpu float64, memMB int) bool {
	r := float64(memMB) / 1024 / cpu
	return r >= 1-1e-9 && r <= 4+1e-9
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func setRaw(dst *json.RawMessage, src json.RawMessage) {
	if len(src) > 0 {
		if string(src) == "null" {
			*dst = nil
			return
		}
		*dst = src
	}
}

// Validate checks f against FC's ranges. available lists the runtimes this
// node can run; a known runtime that is missing gets an error naming them.
func Validate(f *Function, available []string) error {
	checks := []func() error{
		func() error { return ValidName(f.FunctionName) },
		func() error { return validRuntime(f.Runtime, available) },
		func() error { return validHandlerFor(f) },
		func() error { return validRange("timeout", f.Timeout, MinTimeout, MaxTimeout) },
		func() error { return validMemory(f.MemorySize) },
		func() error { return validCPU(f.CPU, f.MemorySize) },
		func() error { return validDisk(f.DiskSize) },
		func() error { return validRange("instanceConcurrency", f.InstanceConcurrency, 1, MaxConcurrency) },
		func() error { return validEnv(f.EnvironmentVariables) },
		func() error { return validLifecycle(f.InstanceLifecycleConfig, IsCustom(f.Runtime)) },
		func() error { return validWasm(f) },
		func() error { return validCustomRuntime(f.CustomRuntimeConfig) },
		func() error {
			if utf8.RuneCountInString(f.Description) > MaxDescription {
				return InvalidArgument("description is longer than %d characters", MaxDescription)
			}
			return nil
		},
	}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

func validRuntime(rt string, available []string) error {
	if rt == "" {
		return InvalidArgument("runtime is required")
	}
	if slices.Contains(available, rt) {
		return nil
	}
	avail := slices.Clone(available)
	sort.Strings(avail)
	if !KnownRuntime(rt) {
		return InvalidArgument("runtime %q is unknown; this node offers: %s", rt, strings.Join(avail, ", "))
	}
	return InvalidArgument("runtime %q is not available on this node; available: %s", rt, strings.Join(avail, ", "))
}

func validHandlerFor(f *Function) error {
	if IsCustom(f.Runtime) {
		if len(f.Handler) > 128 {
			return InvalidArgument("handler is longer than 128 characters")
		}
		return nil
	}
	if f.Handler == "" {
		return InvalidArgument("handler is required for runtime %s", f.Runtime)
	}
	return ValidHandler("handler", f.Handler)
}

func validRange(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return InvalidArgument("%s %d is out of range [%d, %d]", field, v, lo, hi)
	}
	return nil
}

func validMemory(m int) error {
	if m < MinMemorySize || m > MaxMemorySize || m%MemoryStep != 0 {
		return InvalidArgument("memorySize %d is invalid: a multiple of %d MB in [%d, %d]", m, MemoryStep, MinMemorySize, MaxMemorySize)
	}
	return nil
}

func validCPU(cpu float64, mem int) error {
	steps := cpu / MinCPU
	if cpu < MinCPU-1e-9 || cpu > MaxCPU+1e-9 || math.Abs(steps-math.Round(steps)) > 1e-6 {
		return InvalidArgument("cpu %g is invalid: a multiple of 0.05 in [0.05, 16]", cpu)
	}
	if !cpuRatioOK(cpu, mem) {
		return InvalidArgument("cpu %g with memorySize %d is invalid: memory in GB must be 1 to 4 times the vCPUs", cpu, mem)
	}
	return nil
}

func validDisk(d int) error {
	if !slices.Contains(DiskSizes, d) {
		return InvalidArgument("diskSize %d is invalid: one of %v", d, DiskSizes)
	}
	return nil
}

func validEnv(env map[string]string) error {
	total := 0
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if !envKeyRE.MatchString(k) {
			return InvalidArgument("environment variable name %q is invalid: letters, digits and '_', not starting with a digit", k)
		}
		total += len(k) + len(env[k])
	}
	if total > MaxEnvBytes {
		return InvalidArgument("environmentVariables total %d bytes, more than %d", total, MaxEnvBytes)
	}
	return nil
}

// validLifecycle checks the hooks. For custom runtimes a hook's handler is
// only a switch for POST /initialize or GET /pre-stop, so any short string is
// accepted; built-in runtimes need file.method.
func validLifecycle(lc *InstanceLifecycleConfig, custom bool) error {
	if lc == nil {
		return nil
	}
	for _, h := range []struct {
		name string
		hook *LifecycleHook
		max  int
	}{{"initializer", lc.Initializer, MaxInitTimeout}, {"preStop", lc.PreStop, MaxPreStopTimeout}} {
		if h.hook == nil {
			continue
		}
		field := "instanceLifecycleConfig." + h.name
		if h.hook.Timeout != 0 {
			if err := validRange(field+".timeout", h.hook.Timeout, 1, h.max); err != nil {
				return err
			}
		}
		switch {
		case h.hook.Handler == "" && len(h.hook.Command) == 0 && h.hook.Timeout != 0:
			return InvalidArgument("%s.handler is required when a timeout is given", field)
		case h.hook.Handler == "" || custom:
			if len(h.hook.Handler) > 128 {
				return InvalidArgument("%s.handler is longer than 128 characters", field)
			}
		default:
			if err := ValidHandler(field+".handler", h.hook.Handler); err != nil {
				return err
			}
		}
	}
	return nil
}

func validCustomRuntime(c *CustomRuntimeConfig) error {
	if c == nil {
		return nil
	}
	if c.Port != 0 {
		if err := validRange("customRuntimeConfig.port", c.Port, 1, 65535); err != nil {
			return err
		}
	}
	return nil
}

// FunctionARN builds acs:fc:{region}:{account}:functions/{name}.
func FunctionARN(region, account, name string) string {
	return fmt.Sprintf("acs:fc:%s:%s:functions/%s", region, account, name)
}

// validWasm refuses what a WebAssembly function cannot have: each
// invocation runs a fresh module instance, so there is no instance to
// initialise or to stop.
func validWasm(f *Function) error {
	if RuntimeKind(f.Runtime) != KindWasm {
		return nil
	}
	if lc := f.InstanceLifecycleConfig; lc != nil && (lc.Initializer != nil && lc.Initializer.Handler != "" || lc.PreStop != nil && lc.PreStop.Handler != "") {
		return InvalidArgument("instanceLifecycleConfig is not supported by runtime %s: every invocation runs a fresh module instance", f.Runtime)
	}
	if !strings.HasSuffix(f.Handler, ".wasm") {
		return InvalidArgument("handler %q is invalid for runtime %s: name the module file, e.g. main.wasm", f.Handler, f.Runtime)
	}
	return nil
}
