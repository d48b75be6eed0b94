package fc

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Layer is one published version of a layer: a code package mounted
// read-only under /opt in the instances of the functions that list it.
type Layer struct {
	LayerName         string             `json:"layerName"`
	Version           int                `json:"version"`
	LayerVersionArn   string             `json:"layerVersionArn"`
	Description       string             `json:"description"`
	License           string             `json:"license"`
	CompatibleRuntime []string           `json:"compatibleRuntime"`
	ACL               string             `json:"acl"`
	Code              OutputCodeLocation `json:"code"`
	CodeChecksum      string             `json:"codeChecksum"`
	CodeSize          int64              `json:"codeSize"`
	CreateTime        string             `json:"createTime"`
}

// OutputCodeLocation says where a layer's package can be downloaded.
type OutputCodeLocation struct {
	Location       string `json:"location"`
	RepositoryType string `json:"repositoryType"`
}

// CreateLayerVersionInput is CreateLayerVersion's body.
type CreateLayerVersionInput struct {
	Code              *InputCodeLocation `json:"code"`
	CompatibleRuntime []string           `json:"compatibleRuntime"`
	Description       *string            `json:"description"`
	License           *string            `json:"license"`
}

// ListLayersOutput is ListLayers' answer (the newest version of each layer).
type ListLayersOutput struct {
	Layers    []*Layer `json:"layers"`
	NextToken string   `json:"nextToken,omitempty"`
}

// ListLayerVersionOutput is ListLayerVersions' answer.
type ListLayerVersionOutput struct {
	Layers      []*Layer `json:"layers"`
	NextVersion int      `json:"nextVersion,omitempty"`
}

// Layer ACLs: "0" private (the default), "1" public (any account may use it).
const (
	LayerPrivate = "0"
	LayerPublic  = "1"
)

// MaxLayers is how many layers one function may list (FC's limit).
const MaxLayers = 5

var (
	layerNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
	layerArnRE  = regexp.MustCompile(`^acs:fc:([^:]+):(\d+):layers/([A-Za-z_][A-Za-z0-9_-]{0,63})/versions/(\d+)$`)
)

// ValidLayerName checks a layer name.
func ValidLayerName(name string) error {
	if !layerNameRE.MatchString(name) {
		return InvalidArgument("layerName %q is invalid: 1-64 characters of letters, digits, '_' and '-', starting with a letter or '_'", name)
	}
	return nil
}

// LayerARN builds acs:fc:{region}:{account}:layers/{name}/versions/{version}.
func LayerARN(region, account, name string, version int) string {
	return fmt.Sprintf("acs:fc:%s:%s:layers/%s/versions/%d", region, account, name, version)
}

// LayerRef is a parsed layer version ARN.
type LayerRef struct {
	Region, AccountID, Name string
	Version                 int
}

// ParseLayerARN parses a layer version ARN.
func ParseLayerARN(arn string) (LayerRef, error) {
	m := layerArnRE.FindStringSubmatch(arn)
	if m == nil {
		return LayerRef{}, InvalidArgument("layer ARN %q is invalid: want acs:fc:{region}:{account}:layers/{name}/versions/{version}", arn)
	}
	v, err := strconv.Atoi(m[4])
	if err != nil || v < 1 {
		return LayerRef{}, InvalidArgument("layer ARN %q has an invalid version", arn)
	}
	return LayerRef{Region: m[1], AccountID: m[2], Name: m[3], Version: v}, nil
}

// ValidCompatibleRuntimes checks a layer's runtime list: known names only.
func ValidCompatibleRuntimes(rts []string) error {
	for _, rt := range rts {
		if !KnownRuntime(rt) {
			return InvalidArgument("compatibleRuntime %q is not a known runtime", rt)
		}
	}
	return nil
}

// LayerNotFound is the 404 for a missing layer version.
func LayerNotFound(what string) *Error {
	return Errorf(http.StatusNotFound, "LayerNotFound", "layer %s does not exist", what)
}

// LayerCompatible says whether a layer may be used by a runtime; an empty
// list means any runtime.
func LayerCompatible(l *Layer, runtime string) bool {
	if len(l.CompatibleRuntime) == 0 {
		return true
	}
	for _, rt := range l.CompatibleRuntime {
		if rt == runtime || strings.HasPrefix(runtime, rt) {
			return true
		}
	}
	return false
}
