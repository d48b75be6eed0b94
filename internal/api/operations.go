package api

import (
	"net/http"
	"regexp"

	"github.com/yun-fc/yun/internal/fc"
)

// operation is one of FC 3.0's 69 operations (fc3-api.md §2).
type operation struct {
	Action, Method, Path string
}

// operations lists every FC 3.0 operation. Those without a Yun handler are
// answered by unsupportedRoutes, so no FC call ever gets a bare 404; the table
// in docs/api-operations.md is generated from this list (operations_test.go).
var operations = []operation{
	{"CreateFunction", "POST", "/2023-03-30/functions"},
	{"GetFunction", "GET", "/2023-03-30/functions/{functionName}"},
	{"UpdateFunction", "PUT", "/2023-03-30/functions/{functionName}"},
	{"DeleteFunction", "DELETE", "/2023-03-30/functions/{functionName}"},
	{"ListFunctions", "GET", "/2023-03-30/functions"},
	{"GetFunctionCode", "GET", "/2023-03-30/functions/{functionName}/code"},
	{"InvokeFunction", "POST", "/2023-03-30/functions/{functionName}/invocations"},
	{"DisableFunctionInvocation", "POST", "/2023-03-30/functions/{functionName}/invoke/disable"},
	{"EnableFunctionInvocation", "POST", "/2023-03-30/functions/{functionName}/invoke/enable"},
	{"PublishFunctionVersion", "POST", "/2023-03-30/functions/{functionName}/versions"},
	{"ListFunctionVersions", "GET", "/2023-03-30/functions/{functionName}/versions"},
	{"DeleteFunctionVersion", "DELETE", "/2023-03-30/functions/{functionName}/versions/{versionId}"},
	{"CreateAlias", "POST", "/2023-03-30/functions/{functionName}/aliases"},
	{"GetAlias", "GET", "/2023-03-30/functions/{functionName}/aliases/{aliasName}"},
	{"UpdateAlias", "PUT", "/2023-03-30/functions/{functionName}/aliases/{aliasName}"},
	{"DeleteAlias", "DELETE", "/2023-03-30/functions/{functionName}/aliases/{aliasName}"},
	{"ListAliases", "GET", "/2023-03-30/functions/{functionName}/aliases"},
	{"CreateTrigger", "POST", "/2023-03-30/functions/{functionName}/triggers"},
	{"GetTrigger", "GET", "/2023-03-30/functions/{functionName}/triggers/{triggerName}"},
	{"UpdateTrigger", "PUT", "/2023-03-30/functions/{functionName}/triggers/{triggerName}"},
	{"DeleteTrigger", "DELETE", "/2023-03-30/functions/{functionName}/triggers/{triggerName}"},
	{"ListTriggers", "GET", "/2023-03-30/functions/{functionName}/triggers"},
	{"PutProvisionConfig", "PUT", "/2023-03-30/functions/{functionName}/provision-config"},
	{"GetProvisionConfig", "GET", "/2023-03-30/functions/{functionName}/provision-config"},
	{"DeleteProvisionConfig", "DELETE", "/2023-03-30/functions/{functionName}/provision-config"},
	{"ListProvisionConfigs", "GET", "/2023-03-30/provision-configs"},
	{"PutScalingConfig", "PUT", "/2023-03-30/functions/{functionName}/scaling-config"},
	{"GetScalingConfig", "GET", "/2023-03-30/functions/{functionName}/scaling-config"},
	{"DeleteScalingConfig", "DELETE", "/2023-03-30/functions/{functionName}/scaling-config"},
	{"ListScalingConfigs", "GET", "/2023-03-30/scaling-configs"},
	{"PutConcurrencyConfig", "PUT", "/2023-03-30/functions/{functionName}/concurrency"},
	{"GetConcurrencyConfig", "GET", "/2023-03-30/functions/{functionName}/concurrency"},
	{"DeleteConcurrencyConfig", "DELETE", "/2023-03-30/functions/{functionName}/concurrency"},
	{"ListConcurrencyConfigs", "GET", "/2023-03-30/concurrency-configs"},
	{"PutAsyncInvokeConfig", "PUT", "/2023-03-30/functions/{functionName}/async-invoke-config"},
	{"GetAsyncInvokeConfig", "GET", "/2023-03-30/functions/{functionName}/async-invoke-config"},
	{"DeleteAsyncInvokeConfig", "DELETE", "/2023-03-30/functions/{functionName}/async-invoke-config"},
	{"ListAsyncInvokeConfigs", "GET", "/2023-03-30/async-invoke-configs"},
	{"GetAsyncTask", "GET", "/2023-03-30/functions/{functionName}/async-tasks/{taskId}"},
	{"ListAsyncTasks", "GET", "/2023-03-30/functions/{functionName}/async-tasks"},
	{"StopAsyncTask", "PUT", "/2023-03-30/functions/{functionName}/async-tasks/{taskId}/stop"},
	{"CreateLayerVersion", "POST", "/2023-03-30/layers/{layerName}/versions"},
	{"GetLayerVersion", "GET", "/2023-03-30/layers/{layerName}/versions/{version}"},
	{"GetLayerVersionByArn", "GET", "/2023-03-30/layerarn/{arn}"},
	{"DeleteLayerVersion", "DELETE", "/2023-03-30/layers/{layerName}/versions/{version}"},
	{"ListLayerVersions", "GET", "/2023-03-30/layers/{layerName}/versions"},
	{"ListLayers", "GET", "/2023-03-30/layers"},
	{"PutLayerACL", "PUT", "/2023-03-30/layers/{layerName}/acl"},
	{"CreateCustomDomain", "POST", "/2023-03-30/custom-domains"},
	{"GetCustomDomain", "GET", "/2023-03-30/custom-domains/{domainName}"},
	{"UpdateCustomDomain", "PUT", "/2023-03-30/custom-domains/{domainName}"},
	{"DeleteCustomDomain", "DELETE", "/2023-03-30/custom-domains/{domainName}"},
	{"ListCustomDomains", "GET", "/2023-03-30/custom-domains"},
	{"ListInstances", "GET", "/2023-03-30/functions/{functionName}/instances"},
	{"CreateSession", "POST", "/2023-03-30/functions/{functionName}/sessions"},
	{"GetSession", "GET", "/2023-03-30/functions/{functionName}/sessions/{sessionId}"},
	{"UpdateSession", "PUT", "/2023-03-30/functions/{functionName}/sessions/{sessionId}"},
	{"DeleteSession", "DELETE", "/2023-03-30/functions/{functionName}/sessions/{sessionId}"},
	{"ListSessions", "GET", "/2023-03-30/functions/{functionName}/sessions"},
	{"PauseSession", "PUT", "/2023-03-30/functions/{functionName}/sessions/{sessionId}/pause"},
	{"ResumeSession", "PUT", "/2023-03-30/functions/{functionName}/sessions/{sessionId}/resume"},
	{"CreateVpcBinding", "POST", "/2023-03-30/functions/{functionName}/vpc-bindings"},
	{"DeleteVpcBinding", "DELETE", "/2023-03-30/functions/{functionName}/vpc-bindings/{vpcId}"},
	{"ListVpcBindings", "GET", "/2023-03-30/functions/{functionName}/vpc-bindings"},
	{"TagResources", "POST", "/2023-03-30/tags-v2"},
	{"UntagResources", "DELETE", "/2023-03-30/tags-v2"},
	{"ListTagResources", "GET", "/2023-03-30/tags-v2"},
	{"ChangeResourceGroup", "PUT", "/2023-03-30/resource-groups"},
	{"DescribeRegions", "GET", "/2023-03-30/regions"},
}

var wildcardRE = regexp.MustCompile(`\{[^}]*\}`)

// routeShape identifies a route regardless of its wildcard names, so that
// "GET /f/{name}" and "GET /f/{functionName}" are the same route.
func routeShape(pattern string) string { return wildcardRE.ReplaceAllString(pattern, "{}") }

// unsupportedRoutes answers every operation that has no handler with a
// clear FC error. It must run after every real route is registered.
func (s *Server) unsupportedRoutes() {
	for _, op := range operations {
		if s.supported(op) {
			continue
		}
		s.mux.HandleFunc(op.Method+" "+op.Path, func(w http.ResponseWriter, r *http.Request) {
			s.writeError(w, r, fc.Errorf(http.StatusNotImplemented, fc.CodeNotSupported,
				"Yun does not support %s (%s %s) yet", op.Action, op.Method, op.Path))
		})
	}
}

// supported says whether Yun handles an operation.
func (s *Server) supported(op operation) bool {
	return s.registered[routeShape(op.Method+" "+op.Path)]
}
