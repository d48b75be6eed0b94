package fc_test

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/yun-fc/yun/internal/fc"
)

func ptr[T any](v T) *T { return &v }

// createInput is the smallest valid CreateFunction input.
func createInput() *fc.FunctionInput {
	return &fc.FunctionInput{
		FunctionName: ptr("hello"),
		Runtime:      ptr("nodejs20"),
		Handler:      ptr("index.handler"),
	}
}

// created applies in as a create and validates the result.
func created(t *testing.T, in *fc.FunctionInput) *fc.Function {
	t.Helper()
	f := new(fc.Function)
	if err := fc.Apply(f, in, true); err != nil {
		t.Fatalf("Apply(create): %v", err)
	}
	if err := fc.Validate(f, available); err != nil {
		t.Fatalf("Validate after create: %v", err)
	}
	return f
}

func TestApplyCreateDefaults(t *testing.T) {
	got := created(t, createInput())
	want := &fc.Function{
		FunctionName: "hello", Runtime: "nodejs20", Handler: "index.handler",
		Timeout: fc.DefaultTimeout, MemorySize: fc.DefaultMemorySize, CPU: fc.DefaultCPU,
		DiskSize: fc.DefaultDiskSize, InstanceConcurrency: fc.DefaultConcurrency,
		InternetAccess: true, EnvironmentVariables: map[string]string{},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("created function:\n got  %+v\n want %+v", got, want)
	}
}

func TestApplyCreateRequiresName(t *testing.T) {
	in := createInput()
	in.FunctionName = nil
	checkInvalid(t, fc.Apply(new(fc.Function), in, true), "functionName")
}

func TestApplyCreateKeepsCreateOnlyFields(t *testing.T) {
	in := createInput()
	in.Tags = []fc.Tag{{Key: "team", Value: "core"}}
	in.ResourceGroupID = ptr("rg-1")
	f := created(t, in)
	if f.ResourceGroupID != "rg-1" || !reflect.DeepEqual(f.Tags, in.Tags) {
		t.Errorf("got resourceGroupId %q, tags %+v; want %q, %+v", f.ResourceGroupID, f.Tags, "rg-1", in.Tags)
	}
}

// TestApplyCPUFollowsMemory gives only memorySize, for every valid size: the
// CPU that Apply picks must always pass Validate.
func TestApplyCPUFollowsMemory(t *testing.T) {
	exact := map[int]float64{128: 0.1, 512: 0.25, 1024: 0.5, 2048: 1, 3072: 1.5, 32768: 16}
	for mem := fc.MinMemorySize; mem <= fc.MaxMemorySize; mem += fc.MemoryStep {
		in := createInput()
		in.MemorySize = ptr(mem)
		f := new(fc.Function)
		if err := fc.Apply(f, in, true); err != nil {
			t.Fatalf("memorySize %d: Apply: %v", mem, err)
		}
		if err := fc.Validate(f, available); err != nil {
			t.Errorf("memorySize %d: picked cpu %v, which Validate refuses: %v", mem, f.CPU, err)
		}
		if want, ok := exact[mem]; ok && math.Abs(f.CPU-want) > 1e-9 {
			t.Errorf("memorySize %d: got cpu %v, want %v", mem, f.CPU, want)
		}
	}
}

func TestApplyUpdateMemoryAndCPU(t *testing.T) {
	tests := []struct {
		name             string
		mem              *int
		cpu              *float64
		wantMem          int
		wantCPU          float64
		validateMentions []string // nil: the result is valid
	}{
		{"memory within the ratio keeps cpu", ptr(4096), nil, 4096, 1, nil},
		{"memory beyond the ratio recomputes cpu", ptr(8192), nil, 8192, 4, nil},
		{"memory below the ratio recomputes cpu", ptr(512), nil, 512, 0.25, nil},
		{"cpu only", nil, ptr(2.0), 2048, 2, nil},
		{"both", ptr(1024), ptr(0.5), 1024, 0.5, nil},
		{"cpu breaking the ratio is kept and refused", nil, ptr(0.25), 2048, 0.25, []string{"cpu", "memorySize"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := createInput()
			in.MemorySize, in.CPU = ptr(2048), ptr(1.0)
			f := created(t, in)
			if err := fc.Apply(f, &fc.FunctionInput{MemorySize: tc.mem, CPU: tc.cpu}, false); err != nil {
				t.Fatalf("Apply(update): %v", err)
			}
			if f.MemorySize != tc.wantMem || math.Abs(f.CPU-tc.wantCPU) > 1e-9 {
				t.Errorf("got memorySize %d, cpu %v; want %d, %v", f.MemorySize, f.CPU, tc.wantMem, tc.wantCPU)
			}
			err := fc.Validate(f, available)
			if tc.validateMentions == nil {
				checkValid(t, err)
				return
			}
			checkInvalid(t, err, tc.validateMentions...)
		})
	}
}

func TestApplyUpdateRefusesCreateOnlyFields(t *testing.T) {
	tests := []struct {
		name  string
		in    *fc.FunctionInput
		field string
	}{
		{"functionName", &fc.FunctionInput{FunctionName: ptr("renamed")}, "functionName"},
		{"tags", &fc.FunctionInput{Tags: []fc.Tag{{Key: "k", Value: "v"}}}, "tags"},
		{"empty tags", &fc.FunctionInput{Tags: []fc.Tag{}}, "tags"},
		{"resourceGroupId", &fc.FunctionInput{ResourceGroupID: ptr("rg-2")}, "resourceGroupId"},
		{"with other fields", &fc.FunctionInput{FunctionName: ptr("renamed"), Timeout: ptr(60)}, "functionName"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := created(t, createInput())
			before := *f
			checkInvalid(t, fc.Apply(f, tc.in, false), tc.field)
			if !reflect.DeepEqual(*f, before) {
				t.Errorf("refused update changed the function:\n got  %+v\n want %+v", *f, before)
			}
		})
	}
}

func TestApplyRefusesCustomContainerConfig(t *testing.T) {
	image := json.RawMessage(`{"image":"registry.example/app:1"}`)
	t.Run("create", func(t *testing.T) {
		in := createInput()
		in.CustomContainerConfig = image
		checkInvalid(t, fc.Apply(new(fc.Function), in, true), "customContainerConfig")
	})
	t.Run("update", func(t *testing.T) {
		checkInvalid(t, fc.Apply(created(t, createInput()), &fc.FunctionInput{CustomContainerConfig: image}, false),
			"customContainerConfig")
	})
	t.Run("null is accepted", func(t *testing.T) {
		in := createInput()
		in.CustomContainerConfig = json.RawMessage("null")
		created(t, in)
	})
}
