package fc

import (
	"net/http"
	"regexp"
	"strconv"
)

// Version is a published, immutable snapshot of a function.
type Version struct {
	VersionID        string `json:"versionId"`
	Description      string `json:"description"`
	CreatedTime      string `json:"createdTime"`
	LastModifiedTime string `json:"lastModifiedTime"`
}

// PublishVersionInput is PublishFunctionVersion's body.
type PublishVersionInput struct {
	Description *string `json:"description"`
}

// ListVersionsOutput is ListFunctionVersions' answer.
type ListVersionsOutput struct {
	Versions  []*Version `json:"versions"`
	NextToken string     `json:"nextToken,omitempty"`
	Direction string     `json:"direction"`
}

// Alias routes a name to a version, optionally sending a share of calls to a
// second version (canary).
type Alias struct {
	AliasName               string             `json:"aliasName"`
	VersionID               string             `json:"versionId"`
	Description             string             `json:"description"`
	AdditionalVersionWeight map[string]float64 `json:"additionalVersionWeight"`
	CreatedTime             string             `json:"createdTime"`
	LastModifiedTime        string             `json:"lastModifiedTime"`
}

// AliasInput is CreateAliasInput and UpdateAliasInput (which has no name).
type AliasInput struct {
	AliasName               *string            `json:"aliasName"`
	VersionID               *string            `json:"versionId"`
	Description             *string            `json:"description"`
	AdditionalVersionWeight map[string]float64 `json:"additionalVersionWeight"`
}

// ListAliasesOutput is ListAliases' answer.
type ListAliasesOutput struct {
	Aliases   []*Alias `json:"aliases"`
	NextToken string   `json:"nextToken,omitempty"`
}

// Latest is the qualifier of a function's current, unpublished configuration.
const Latest = "LATEST"

var aliasRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,127}$`)

// IsVersionID says whether a qualifier names a version: a positive decimal.
func IsVersionID(q string) bool {
	n, err := strconv.ParseUint(q, 10, 32)
	return err == nil && n > 0 && strconv.FormatUint(n, 10) == q
}

// ValidAliasName checks an alias name; it cannot look like a version or LATEST.
func ValidAliasName(name string) error {
	if !aliasRE.MatchString(name) || name == Latest {
		return InvalidArgument("aliasName %q is invalid: 1-128 characters of letters, digits, '_' and '-', starting with a letter or '_', not LATEST", name)
	}
	return nil
}

// ValidAliasRouting checks an alias's main version and canary weights: at
// most one additional version, different from the main one, with a weight
// in (0, 1].
func ValidAliasRouting(a *Alias) error {
	if !IsVersionID(a.VersionID) {
		return InvalidArgument("versionId %q is invalid: an alias points at a published version", a.VersionID)
	}
	if len(a.AdditionalVersionWeight) > 1 {
		return InvalidArgument("additionalVersionWeight has %d versions, at most 1 is allowed", len(a.AdditionalVersionWeight))
	}
	for v, w := range a.AdditionalVersionWeight {
		if !IsVersionID(v) || v == a.VersionID {
			return InvalidArgument("additionalVersionWeight version %q is invalid: another published version than versionId", v)
		}
		if !(w > 0 && w <= 1) {
			return InvalidArgument("additionalVersionWeight %q is %g, want a share in (0, 1]", v, w)
		}
	}
	return nil
}

// VersionNotFound is the 404 for a missing version or qualifier.
func VersionNotFound(function, q string) *Error {
	return Errorf(http.StatusNotFound, "VersionNotFound", "version '%s' of function '%s' does not exist", q, function)
}

// AliasNotFound is the 404 for a missing alias.
func AliasNotFound(function, alias string) *Error {
	return Errorf(http.StatusNotFound, "AliasNotFound", "alias '%s' of function '%s' does not exist", alias, function)
}
