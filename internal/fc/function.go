package fc

import "encoding/json"

// Function is the FC 3.0 Function model as returned by Create/Get/Update/ListFunctions.
// Opaque configurations that Yun stores but does not act on are kept as raw JSON
// so they round-trip unchanged.
type Function struct {
	FunctionID              string                   `json:"functionId"`
	FunctionName            string                   `json:"functionName"`
	FunctionArn             string                   `json:"functionArn"`
	Description             string                   `json:"description"`
	Runtime                 string                   `json:"runtime"`
	Handler                 string                   `json:"handler"`
	Timeout                 int                      `json:"timeout"`
	MemorySize              int                      `json:"memorySize"`
	CPU                     float64                  `json:"cpu"`
	DiskSize                int                      `json:"diskSize"`
	InstanceConcurrency     int                      `json:"instanceConcurrency"`
	InternetAccess          bool                     `json:"internetAccess"`
	EnvironmentVariables    map[string]string        `json:"environmentVariables"`
	CodeChecksum            string                   `json:"codeChecksum"`
	CodeSize                int64                    `json:"codeSize"`
	CustomRuntimeConfig     *CustomRuntimeConfig     `json:"customRuntimeConfig,omitempty"`
	InstanceLifecycleConfig *InstanceLifecycleConfig `json:"instanceLifecycleConfig,omitempty"`
	Layers                  []FunctionLayer          `json:"layers,omitempty"`
	Tags                    []Tag                    `json:"tags,omitempty"`
	Role                    string                   `json:"role,omitempty"`
	LogConfig               json.RawMessage          `json:"logConfig,omitempty"`
	VPCConfig               json.RawMessage          `json:"vpcConfig,omitempty"`
	NASConfig               json.RawMessage          `json:"nasConfig,omitempty"`
	OSSMountConfig          json.RawMessage          `json:"ossMountConfig,omitempty"`
	TracingConfig           json.RawMessage          `json:"tracingConfig,omitempty"`
	CustomDNS               json.RawMessage          `json:"customDNS,omitempty"`
	GPUConfig               json.RawMessage          `json:"gpuConfig,omitempty"`
	ResourceGroupID         string                   `json:"resourceGroupId,omitempty"`
	InvocationRestriction   *FunctionRestriction     `json:"invocationRestriction,omitempty"`
	State                   string                   `json:"state"`
	StateReason             string                   `json:"stateReason,omitempty"`
	StateReasonCode         string                   `json:"stateReasonCode,omitempty"`
	LastUpdateStatus        string                   `json:"lastUpdateStatus"`
	LastUpdateStatusReason  string                   `json:"lastUpdateStatusReason,omitempty"`
	CreatedTime             string                   `json:"createdTime"`
	LastModifiedTime        string                   `json:"lastModifiedTime"`
}

// State and LastUpdateStatus values (fc3-api.md §3.1).
const (
	StateActive      = "Active"
	UpdateSuccessful = "Successful"
)

// FunctionInput is both CreateFunctionInput and UpdateFunctionInput: on update a
// nil field means "leave unchanged" (FC's partial update). FunctionName,
// Tags and ResourceGroupID are only accepted on create.
type FunctionInput struct {
	FunctionName            *string                  `json:"functionName"`
	Description             *string                  `json:"description"`
	Runtime                 *string                  `json:"runtime"`
	Handler                 *string                  `json:"handler"`
	Timeout                 *int                     `json:"timeout"`
	MemorySize              *int                     `json:"memorySize"`
	CPU                     *float64                 `json:"cpu"`
	DiskSize                *int                     `json:"diskSize"`
	InstanceConcurrency     *int                     `json:"instanceConcurrency"`
	InternetAccess          *bool                    `json:"internetAccess"`
	EnvironmentVariables    map[string]string        `json:"environmentVariables"`
	Code                    *InputCodeLocation       `json:"code"`
	CustomRuntimeConfig     *CustomRuntimeConfig     `json:"customRuntimeConfig"`
	CustomContainerConfig   json.RawMessage          `json:"customContainerConfig"`
	InstanceLifecycleConfig *InstanceLifecycleConfig `json:"instanceLifecycleConfig"`
	Layers                  []string                 `json:"layers"`
	Tags                    []Tag                    `json:"tags"`
	Role                    *string                  `json:"role"`
	LogConfig               json.RawMessage          `json:"logConfig"`
	VPCConfig               json.RawMessage          `json:"vpcConfig"`
	NASConfig               json.RawMessage          `json:"nasConfig"`
	OSSMountConfig          json.RawMessage          `json:"ossMountConfig"`
	TracingConfig           json.RawMessage          `json:"tracingConfig"`
	CustomDNS               json.RawMessage          `json:"customDNS"`
	GPUConfig               json.RawMessage          `json:"gpuConfig"`
	ResourceGroupID         *string                  `json:"resourceGroupId"`
}

// InputCodeLocation is the `code` field of Create/UpdateFunction.
type InputCodeLocation struct {
	ZipFile       string `json:"zipFile,omitempty"`
	Checksum      string `json:"checksum,omitempty"`
	OSSBucketName string `json:"ossBucketName,omitempty"`
	OSSObjectName string `json:"ossObjectName,omitempty"`
}

// CustomRuntimeConfig starts the user's HTTP server for custom runtimes.
type CustomRuntimeConfig struct {
	Command           []string           `json:"command,omitempty"`
	Args              []string           `json:"args,omitempty"`
	Port              int                `json:"port,omitempty"`
	HealthCheckConfig *HealthCheckConfig `json:"healthCheckConfig,omitempty"`
}

// HealthCheckConfig is CustomHealthCheckConfig (fc3-api.md §8.4).
type HealthCheckConfig struct {
	HTTPGetURL          string `json:"httpGetUrl,omitempty"`
	InitialDelaySeconds int    `json:"initialDelaySeconds,omitempty"`
	PeriodSeconds       int    `json:"periodSeconds,omitempty"`
	TimeoutSeconds      int    `json:"timeoutSeconds,omitempty"`
	FailureThreshold    int    `json:"failureThreshold,omitempty"`
	SuccessThreshold    int    `json:"successThreshold,omitempty"`
}

// InstanceLifecycleConfig holds the initializer and preStop hooks.
type InstanceLifecycleConfig struct {
	Initializer *LifecycleHook `json:"initializer,omitempty"`
	PreStop     *LifecycleHook `json:"preStop,omitempty"`
}

// LifecycleHook is one lifecycle hook; Timeout is in seconds.
type LifecycleHook struct {
	Handler string   `json:"handler,omitempty"`
	Timeout int      `json:"timeout,omitempty"`
	Command []string `json:"command,omitempty"`
}

// Tag is FC's tag; note the PascalCase JSON names.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// FunctionLayer is a layer as Function lists it. CodeChecksum is Yun's
// addition (FC lists only arn and size): the layer version's code package,
// recorded when the function is saved, so the function keeps its layer's
// content after the layer version is deleted, as on FC.
type FunctionLayer struct {
	Arn          string `json:"arn"`
	Size         int64  `json:"size"`
	CodeChecksum string `json:"codeChecksum,omitempty"`
}

// FunctionRestriction says whether invocation is disabled.
type FunctionRestriction struct {
	Disable          bool   `json:"disable"`
	Reason           string `json:"reason,omitempty"`
	LastModifiedTime string `json:"lastModifiedTime,omitempty"`
}

// ListFunctionsOutput is ListFunctions' answer.
type ListFunctionsOutput struct {
	Functions []*Function `json:"functions"`
	NextToken string      `json:"nextToken,omitempty"`
}

// OutputFuncCode is GetFunctionCode's answer.
type OutputFuncCode struct {
	URL      string `json:"url"`
	Checksum string `json:"checksum"`
}
