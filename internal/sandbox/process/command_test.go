package process

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/sandbox"
)

func TestEnviron(t *testing.T) {
	p := &launchPlan{
		spec: &sandbox.Spec{
			Function: "fn", Handler: "index.handler", Runtime: "python3", Region: "r", AccountID: "a",
			MemoryMB: 256, Timeout: 1500 * time.Millisecond,
			Env:         map[string]string{"USER_VAR": "u", "LANG": "en_US.UTF-8", "FC_FUNCTION_NAME": "forged"},
			Initializer: &sandbox.Hook{Handler: "index.init"},
		},
		id: "inst-1", codeDir: "/code-dir", tmpDir: "/scratch/tmp", port: 4242,
	}
	env := environ(p)
	want := map[string]string{
		"PATH": defaultPath, "HOME": "/scratch/tmp", "TMPDIR": "/scratch/tmp",
		"LANG":              "en_US.UTF-8", // the user's own variable wins over the base
		"USER_VAR":          "u",
		"FC_FUNCTION_NAME":  "fn", // FC's variables win over the user's
		"FC_FUNC_CODE_PATH": "/code-dir", "FC_FUNCTION_HANDLER": "index.handler", "FC_FUNCTION_MEMORY_SIZE": "256",
		"FC_TIMEOUT": "1.5", "FC_REGION": "r", "FC_ACCOUNT_ID": "a", "FC_INSTANCE_ID": "inst-1",
		"FC_CUSTOM_LISTEN_PORT": "4242", "FC_RUNTIME": "python3", "FC_INITIALIZER_HANDLER": "index.init",
		"FC_INITIALIZATION_TIMEOUT": "3",
	}
	if len(env) != len(want) {
		t.Errorf("got %d variables %v, want %d", len(env), env, len(want))
	}
	for k, v := range want {
		if got := lookupEnv(env, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !slices.IsSorted(env) {
		t.Errorf("environment %v is not sorted", env)
	}
}

func TestCustomArgv(t *testing.T) {
	code := t.TempDir()
	writeExec(t, filepath.Join(code, "bootstrap"))
	writeExec(t, filepath.Join(code, "bin", "server"))
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "bootstrap"), []byte("not executable"), 0o644)
	tests := []struct {
		name    string
		code    string
		command []string
		args    []string
		want    []string
		wantErr string
	}{
		{"bootstrap", code, nil, []string{"-v"}, []string{code + "/bootstrap", "-v"}, ""},
		{"no bootstrap", empty, nil, nil, nil, "no customRuntimeConfig.command"},
		{"bare name on PATH", code, []string{"server"}, []string{"-c", "x"}, []string{code + "/bin/server", "-c", "x"}, ""},
		{"relative path", code, []string{"./bin/server"}, nil, []string{code + "/bin/server"}, ""},
		{"/code path", code, []string{"/code/bin/server", "--root", "/code"}, nil,
			[]string{code + "/bin/server", "--root", code}, ""},
		{"/codex is not /code", code, []string{"/codex/server"}, nil, nil, "not an executable"},
		{"missing program", code, []string{"no-such-program"}, nil, nil, "not found in PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &launchPlan{spec: &sandbox.Spec{Command: tt.command, Args: tt.args}, codeDir: tt.code}
			got, err := customArgv(p, "/nonexistent:"+filepath.Join(code, "bin"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("customArgv = %v, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("customArgv = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestIDPool(t *testing.T) {
	p := newIDPool(1000, 3)
	var got []int
	for range 3 {
		id, err := p.get()
		if err != nil {
			t.Fatalf("get = %v", err)
		}
		got = append(got, id)
	}
	if !slices.Equal(got, []int{1000, 1001, 1002}) {
		t.Errorf("got ids %v, want [1000 1001 1002]", got)
	}
	if id, err := p.get(); err == nil {
		t.Errorf("get from a full pool = %d, want an error", id)
	}
	p.put(1001)
	if id, err := p.get(); err != nil || id != 1001 {
		t.Errorf("get after put(1001) = %d, %v; want 1001", id, err)
	}
}

func writeExec(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestInstanceID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"c-66f1a2b3-abc_DEF.1", true},
		{"..", false},
		{"a/b", false},
		{"../etc", false},
		{"é", false},
		{strings.Repeat("a", 129), false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := instanceID(tt.id)
			if (err == nil) != tt.ok || (tt.ok && got != tt.id) {
				t.Errorf("instanceID(%q) = %q, %v; want ok %v", tt.id, got, err, tt.ok)
			}
		})
	}
	if got, err := instanceID(""); err != nil || len(got) != 36 {
		t.Errorf(`instanceID("") = %q, %v; want a new 36-character id`, got, err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"minimal", Config{RunDir: "run"}, ""},
		{"no RunDir", Config{}, "RunDir"},
		{"relative NodePath", Config{RunDir: "run", NodePath: "node"}, `NodePath "node"`},
		{"relative PythonPath", Config{RunDir: "run", PythonPath: "bin/python3"}, `PythonPath "bin/python3"`},
		{"negative StartTimeout", Config{RunDir: "run", StartTimeout: -time.Second}, "StartTimeout -1s"},
		{"no isolation", Config{RunDir: "run", Isolation: IsolationNone}, ""},
		{"unknown isolation", Config{RunDir: "run", Isolation: "vm"}, `Isolation "vm"`},
		{"negative FirstUID", Config{RunDir: "run", FirstUID: -1}, "FirstUID -1"},
		{"FirstUID too high", Config{RunDir: "run", FirstUID: 1 << 31}, "FirstUID 2147483648"},
		{"negative MaxProcesses", Config{RunDir: "run", MaxProcesses: -2}, "MaxProcesses -2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestBootLimits(t *testing.T) {
	iso := &isolation{maxProcesses: 64}
	tests := []struct {
		name    string
		spec    sandbox.Spec
		wantMem int64
		wantCPU float64
	}{
		{"small cpu boots with a whole core", sandbox.Spec{MemoryMB: 128, CPU: 0.1}, 128 << 20, bootCPU},
		{"large cpu is kept", sandbox.Spec{MemoryMB: 4096, CPU: 2}, 4096 << 20, 2},
		{"no cpu, no limit", sandbox.Spec{MemoryMB: 256}, 256 << 20, 0},
		{"no memory, FC's default", sandbox.Spec{}, 512 << 20, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := iso.limits(&tt.spec)
			if got.MemoryBytes != tt.wantMem || got.CPU != tt.wantCPU || got.Pids != 64 {
				t.Errorf("limits = %+v, want memory %d cpu %v pids 64", got, tt.wantMem, tt.wantCPU)
			}
		})
	}
}
