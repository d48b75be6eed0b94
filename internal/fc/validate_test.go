package fc_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

// available is what the node under test offers.
var available = []string{"python3.12", "nodejs20", "custom.debian12"}

// checkInvalid fails the test unless err is a 400 InvalidArgument whose
// message contains every one of mentions (the field, the bad value).
func checkInvalid(t *testing.T, err error, mentions ...string) {
	t.Helper()
	e, ok := fc.AsError(err)
	if !ok {
		t.Fatalf("got error %v, want an *fc.Error", err)
	}
	if e.Status != http.StatusBadRequest || e.Code != fc.CodeInvalidArgument {
		t.Errorf("got %d %s, want %d %s", e.Status, e.Code, http.StatusBadRequest, fc.CodeInvalidArgument)
	}
	for _, m := range mentions {
		if !strings.Contains(e.Message, m) {
			t.Errorf("message %q does not mention %q", e.Message, m)
		}
	}
}

// checkValid fails the test if err is not nil.
func checkValid(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("got error %v, want nil", err)
	}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name, input string
		valid       bool
	}{
		{"one letter", "a", true},
		{"leading underscore", "_fn", true},
		{"letters digits dash underscore", "Hello-World_2", true},
		{"64 characters", "f" + strings.Repeat("x", 63), true},
		{"empty", "", false},
		{"leading digit", "1fn", false},
		{"leading dash", "-fn", false},
		{"65 characters", "f" + strings.Repeat("x", 64), false},
		{"unicode letter", "héllo", false},
		{"CJK", "函数", false},
		{"space", "my fn", false},
		{"dot", "my.fn", false},
		{"slash", "a/b", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := fc.ValidName(tc.input)
			if tc.valid {
				checkValid(t, err)
				return
			}
			checkInvalid(t, err, "functionName")
		})
	}
}

func TestValidHandler(t *testing.T) {
	tests := []struct {
		name, input string
		valid       bool
	}{
		{"file.method", "index.handler", true},
		{"in a directory", "src/app/index.handler", true},
		{"dotted module", "pkg.mod.handler", true},
		{"method with dollar", "index.$main", true},
		{"dashes and underscores", "my-file_1.my_handler", true},
		{"empty", "", false},
		{"no method", "index", false},
		{"empty file", ".handler", false},
		{"empty method", "index.", false},
		{"method starting with a digit", "index.1handler", false},
		{"absolute path", "/code/index.handler", false},
		{"parent directory", "../index.handler", false},
		{"parent directory inside", "src/../../index.handler", false},
		{"space", "my index.handler", false},
		{"empty file in a directory", "a/.handler", false},
		{"empty directory", "a//b.handler", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := fc.ValidHandler("instanceLifecycleConfig.initializer.handler", tc.input)
			if tc.valid {
				checkValid(t, err)
				return
			}
			checkInvalid(t, err, "instanceLifecycleConfig.initializer.handler")
		})
	}
}

// validFunction is a function that passes Validate; each case changes one thing.
func validFunction() *fc.Function {
	return &fc.Function{
		FunctionName: "hello", Runtime: "nodejs20", Handler: "index.handler",
		Timeout: 3, MemorySize: 512, CPU: 0.35, DiskSize: 512, InstanceConcurrency: 1,
		EnvironmentVariables: map[string]string{},
	}
}

func TestValidateBaseIsValid(t *testing.T) {
	checkValid(t, fc.Validate(validFunction(), available))
}

func TestValidateRuntime(t *testing.T) {
	tests := []struct {
		name, runtime string
		mentions      []string // nil: valid
	}{
		{"available", "python3.12", nil},
		{"empty", "", []string{"runtime", "required"}},
		{"unknown", "cobol85", []string{"cobol85", "unknown", "custom.debian12, nodejs20, python3.12"}},
		{"known but not on this node", "nodejs18", []string{"nodejs18", "not available", "custom.debian12, nodejs20, python3.12"}},
		{"known but never available", "java11", []string{"java11", "not available", "custom.debian12, nodejs20, python3.12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := validFunction()
			f.Runtime, f.Handler = tc.runtime, "main.handler"
			err := fc.Validate(f, available)
			if tc.mentions == nil {
				checkValid(t, err)
				return
			}
			checkInvalid(t, err, tc.mentions...)
		})
	}
}

func TestValidateHandlerPerRuntimeKind(t *testing.T) {
	tests := []struct {
		name, runtime, handler string
		valid                  bool
	}{
		{"node file.method", "nodejs20", "index.handler", true},
		{"node missing", "nodejs20", "", false},
		{"node without method", "nodejs20", "index", false},
		{"python file.method", "python3.12", "main.handler", true},
		{"python missing", "python3.12", "", false},
		{"python path traversal", "python3.12", "../main.handler", false},
		{"custom missing", "custom.debian12", "", true},
		{"custom free form", "custom.debian12", "anything at all", true},
		{"custom 128 characters", "custom.debian12", strings.Repeat("h", 128), true},
		{"custom 129 characters", "custom.debian12", strings.Repeat("h", 129), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := validFunction()
			f.Runtime, f.Handler = tc.runtime, tc.handler
			err := fc.Validate(f, available)
			if tc.valid {
				checkValid(t, err)
				return
			}
			checkInvalid(t, err, "handler")
		})
	}
}
