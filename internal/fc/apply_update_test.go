package fc_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

// fullInput sets every field that UpdateFunction may change.
func fullInput() *fc.FunctionInput {
	in := createInput()
	in.Description = ptr("first")
	in.Timeout = ptr(30)
	in.MemorySize, in.CPU = ptr(1024), ptr(0.5)
	in.DiskSize = ptr(10240)
	in.InstanceConcurrency = ptr(10)
	in.InternetAccess = ptr(false)
	in.EnvironmentVariables = map[string]string{"A": "1"}
	in.Role = ptr("acs:ram::1:role/fc")
	in.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{Initializer: &fc.LifecycleHook{Handler: "index.init", Timeout: 5}}
	in.LogConfig = json.RawMessage(`{"project":"p","logstore":"l"}`)
	in.VPCConfig = json.RawMessage(`{"vpcId":"vpc-1"}`)
	return in
}

// TestApplyPartialUpdate changes one field at a time and checks that exactly
// that field changed.
func TestApplyPartialUpdate(t *testing.T) {
	tests := []struct {
		name   string
		in     *fc.FunctionInput
		expect func(*fc.Function)
	}{
		{"nothing", &fc.FunctionInput{}, func(*fc.Function) {}},
		{"description", &fc.FunctionInput{Description: ptr("second")}, func(f *fc.Function) { f.Description = "second" }},
		{"timeout", &fc.FunctionInput{Timeout: ptr(60)}, func(f *fc.Function) { f.Timeout = 60 }},
		{"runtime and handler", &fc.FunctionInput{Runtime: ptr("python3.12"), Handler: ptr("main.handler")},
			func(f *fc.Function) { f.Runtime, f.Handler = "python3.12", "main.handler" }},
		{"internetAccess back to true", &fc.FunctionInput{InternetAccess: ptr(true)}, func(f *fc.Function) { f.InternetAccess = true }},
		{"environment replaced whole", &fc.FunctionInput{EnvironmentVariables: map[string]string{"B": "2"}},
			func(f *fc.Function) { f.EnvironmentVariables = map[string]string{"B": "2"} }},
		{"environment emptied", &fc.FunctionInput{EnvironmentVariables: map[string]string{}},
			func(f *fc.Function) { f.EnvironmentVariables = map[string]string{} }},
		{"logConfig null clears it", &fc.FunctionInput{LogConfig: json.RawMessage("null")}, func(f *fc.Function) { f.LogConfig = nil }},
		{"vpcConfig replaced", &fc.FunctionInput{VPCConfig: json.RawMessage(`{"vpcId":"vpc-2"}`)},
			func(f *fc.Function) { f.VPCConfig = json.RawMessage(`{"vpcId":"vpc-2"}`) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := created(t, fullInput())
			want := created(t, fullInput())
			tc.expect(want)
			if err := fc.Apply(f, tc.in, false); err != nil {
				t.Fatalf("Apply(update): %v", err)
			}
			if !reflect.DeepEqual(f, want) {
				t.Errorf("after update:\n got  %+v\n want %+v", f, want)
			}
			checkValid(t, fc.Validate(f, available))
		})
	}
}
