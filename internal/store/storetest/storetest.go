// Package storetest is the conformance suite every store.Store backend
// passes. A backend's test calls Run with a function that opens a new, empty
// store; each subtest gets its own.
//
// Besides the comments in package store, the suite pins down what a caller
// may rely on whatever the backend:
//   - PutAccount and PutAccessKey create or replace.
//   - Lists are never nil (JSON shows [] rather than null). ListAccounts and
//     ListAccessKeys sort by ID; ListAccessKeys returns one account's keys.
//   - An error for a missing or duplicate item wraps store.ErrNotFound or
//     store.ErrExists and names the item.
//   - Functions of different accounts never see each other.
//   - ListFunctions sorts by name; startAfter is exclusive and need not exist;
//     a limit of zero or less means no limit.
//   - UpdateFunction loses no update under concurrency, stores nothing when
//     the callback fails, and refuses a callback that renames the function.
//   - Results are copies: changing them, or the value that was stored,
//     changes nothing in the store.
//   - A call whose context is already done fails with the context's error
//     and changes nothing.
//   - Close is idempotent.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
)

// Run runs the conformance suite. open returns a new, empty store; Run closes
// it when the subtest ends (the backend may close it again in a cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		test func(*testing.T, store.Store)
	}{
		{"Accounts", testAccounts},
		{"AccessKeys", testAccessKeys},
		{"FunctionCRUD", testFunctionCRUD},
		{"DuplicateFunction", testDuplicateFunction},
		{"NotFound", testNotFound},
		{"AccountIsolation", testAccountIsolation},
		{"ListFunctions", testListFunctions},
		{"ListFunctionsPaging", testListFunctionsPaging},
		{"UpdateFunctionConcurrent", testUpdateConcurrent},
		{"UpdateFunctionAbort", testUpdateAbort},
		{"UpdateFunctionRename", testUpdateRename},
		{"CodeInUse", testCodeInUse},
		{"ResultsAreCopies", testResultsAreCopies},
		{"ContextDone", testContextDone},
		{"CloseIdempotent", testCloseIdempotent},
		{"Docs", testDocs},
		{"DocsPaging", testDocsPaging},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.test(t, s)
		})
	}
}

// newFunction is a function with every kind of field set, so that a round
// trip through the store shows any field it drops.
func newFunction(name string) *fc.Function {
	return &fc.Function{
		FunctionID:          "id-" + name,
		FunctionName:        name,
		FunctionArn:         fc.FunctionARN("cn-test", "acct", name),
		Description:         "function " + name,
		Runtime:             "nodejs20",
		Handler:             "index.handler",
		Timeout:             3,
		MemorySize:          512,
		CPU:                 0.35,
		DiskSize:            512,
		InstanceConcurrency: 1,
		InternetAccess:      true,
		EnvironmentVariables: map[string]string{
			"GREETING": "hello",
		},
		CodeChecksum:            "1234567890",
		CodeSize:                42,
		CustomRuntimeConfig:     &fc.CustomRuntimeConfig{Command: []string{"node"}, Args: []string{"a.js"}, Port: 9000},
		InstanceLifecycleConfig: &fc.InstanceLifecycleConfig{Initializer: &fc.LifecycleHook{Handler: "index.init", Timeout: 3}},
		Layers:                  []fc.FunctionLayer{{Arn: "acs:fc:cn-test:acct:layers/l/versions/1", Size: 7}},
		Tags:                    []fc.Tag{{Key: "team", Value: "core"}},
		LogConfig:               json.RawMessage(`{"project":"p","logstore":"l"}`),
		State:                   fc.StateActive,
		LastUpdateStatus:        fc.UpdateSuccessful,
		CreatedTime:             "2024-01-02T03:04:05Z",
		LastModifiedTime:        "2024-01-02T03:04:05Z",
	}
}

// mustCreate stores functions, failing the test on any error.
func mustCreate(t *testing.T, s store.Store, accountID string, fns ...*fc.Function) {
	t.Helper()
	for _, f := range fns {
		if err := s.CreateFunction(context.Background(), accountID, f); err != nil {
			t.Fatalf("CreateFunction(%q, %q): %v", accountID, f.FunctionName, err)
		}
	}
}

// mustGet reads a function, failing the test on any error.
func mustGet(t *testing.T, s store.Store, accountID, name string) *fc.Function {
	t.Helper()
	f, err := s.GetFunction(context.Background(), accountID, name)
	if err != nil {
		t.Fatalf("GetFunction(%q, %q): %v", accountID, name, err)
	}
	return f
}

// checkEqual fails the test if got and want differ, showing both as JSON.
func checkEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// checkErr fails the test unless err wraps target and its message names id.
func checkErr(t *testing.T, what string, err, target error, id string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want one wrapping %v", what, err, target)
		return
	}
	if !strings.Contains(err.Error(), id) {
		t.Errorf("%s: error %q does not name %q", what, err, id)
	}
}
