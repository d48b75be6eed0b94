package wasm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
)

// checkSpec checks the parts of spec that come from the user and returns
// the module file's path.
func checkSpec(spec *sandbox.Spec) (string, error) {
	if spec.Initializer != nil || spec.PreStop != nil {
		return "", fmt.Errorf("runtime %s does not support lifecycle hooks (initializer, preStop)", Runtime)
	}
	h := spec.Handler
	if !filepath.IsLocal(h) || strings.ContainsRune(h, 0) {
		return "", fmt.Errorf("handler %q must name a module file inside the code package, like main.wasm", h)
	}
	for k, v := range spec.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			return "", fmt.Errorf("environment variable %q is not valid", k)
		}
	}
	if spec.CodeDir == "" {
		return "", errors.New("the function has no code")
	}
	dir, err := filepath.Abs(spec.CodeDir)
	if err != nil {
		return "", fmt.Errorf("code directory: %w", err)
	}
	return filepath.Join(dir, h), nil
}

// memoryMB is the function's memorySize, FC's default if unset.
func memoryMB(spec *sandbox.Spec) int {
	if spec.MemoryMB > 0 {
		return spec.MemoryMB
	}
	return fc.DefaultMemorySize
}

// memoryLimit is the most linear memory an invocation may use, in bytes:
// memorySize, within the 4 GiB a 32-bit memory can address.
func memoryLimit(spec *sandbox.Spec) uint64 {
	return min(uint64(memoryMB(spec))<<20, maxPages*pageSize)
}

// diskLimit is the size of the instance's /tmp in bytes: diskSize, FC's
// default if unset.
func diskLimit(spec *sandbox.Spec) int64 {
	mb := spec.DiskMB
	if mb <= 0 {
		mb = fc.DefaultDiskSize
	}
	return int64(mb) << 20
}

// invokeTimeout is the spec's per-invocation timeout, FC's default if unset.
func invokeTimeout(spec *sandbox.Spec) time.Duration {
	if spec.Timeout > 0 {
		return spec.Timeout
	}
	return fc.DefaultTimeout * time.Second
}

type envVar struct{ key, value string }

// environment is the guest's environment: the user's variables, sorted,
// then the FC context, which wins over a user variable of the same name.
// FC_REQUEST_ID is added per invocation.
func environment(spec *sandbox.Spec, id string) []envVar {
	fcVars := []envVar{
		{"FC_ACCOUNT_ID", spec.AccountID},
		{"FC_FUNCTION_HANDLER", spec.Handler},
		{"FC_FUNCTION_MEMORY_SIZE", strconv.Itoa(memoryMB(spec))},
		{"FC_FUNCTION_NAME", spec.Function},
		{"FC_FUNC_CODE_PATH", "/code/"},
		{"FC_INSTANCE_ID", id},
		{"FC_QUALIFIER", spec.Qualifier},
		{"FC_REGION", spec.Region},
		{"FC_RUNTIME", Runtime},
		{"FC_TIMEOUT", seconds(invokeTimeout(spec))},
		{"FC_VERSION_ID", spec.VersionID},
		{"PWD", "/code"},
	}
	reserved := map[string]bool{"FC_REQUEST_ID": true}
	for _, v := range fcVars {
		reserved[v.key] = true
	}
	var env []envVar
	for _, k := range slices.Sorted(maps.Keys(spec.Env)) {
		if !reserved[k] {
			env = append(env, envVar{k, spec.Env[k]})
		}
	}
	return append(env, fcVars...)
}

// seconds formats d in seconds: "3", or "1.5" for a fraction.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// instanceID returns id, or a new one when it is empty. An id names a
// directory, so it may hold only letters, digits, '-', '_' and '.'.
func instanceID(id string) (string, error) {
	if id == "" {
		return newID(), nil
	}
	valid := len(id) <= 128 && strings.Trim(id, ".") != ""
	for _, r := range id {
		valid = valid && (r == '-' || r == '_' || r == '.' || r < 128 && (r >= '0' && r <= '9' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'))
	}
	if !valid {
		return "", fmt.Errorf("invalid instance id %q", id)
	}
	return id, nil
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
