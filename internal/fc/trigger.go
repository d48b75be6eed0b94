package fc

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
)

// Triggers (fc3-api.md §2 Triggers, §3.2 Trigger): a trigger invokes one
// qualifier of a function when something happens — an HTTP request or a
// timer. Its configuration travels as JSON *text* in triggerConfig: the
// official SDK throws on an object there.

// Trigger types Yun runs.
const (
	TriggerHTTP  = "http"
	TriggerTimer = "timer"
)

// triggerTypes lists every trigger type FC 3.0 documents.
var triggerTypes = []string{"oss", "log", "timer", "http", "tablestore", "cdn_events", "mns_topic", "eventbridge"}

// Trigger limits (fc3-api.md §9).
const (
	MaxTriggersPerFunction = 50
	MaxTriggerConfig       = 64 << 10 // bytes of triggerConfig text
)

// Trigger statuses Yun reports.
const (
	TriggerEnabled  = "Enabled"
	TriggerDisabled = "Disabled"
)

// Trigger is FC's Trigger model.
type Trigger struct {
	TriggerName      string       `json:"triggerName"`
	TriggerType      string       `json:"triggerType"`
	TriggerConfig    string       `json:"triggerConfig"`
	Qualifier        string       `json:"qualifier"`
	Description      string       `json:"description"`
	SourceArn        string       `json:"sourceArn,omitempty"`
	InvocationRole   string       `json:"invocationRole,omitempty"`
	TargetArn        string       `json:"targetArn"`
	TriggerID        string       `json:"triggerId"`
	Status           string       `json:"status"`
	CreatedTime      string       `json:"createdTime"`
	LastModifiedTime string       `json:"lastModifiedTime"`
	HTTPTrigger      *HTTPTrigger `json:"httpTrigger,omitempty"`
}

// HTTPTrigger holds the URLs that reach an HTTP trigger.
type HTTPTrigger struct {
	URLInternet string `json:"urlInternet"`
	URLIntranet string `json:"urlIntranet"`
}

// TriggerInput is CreateTriggerInput and UpdateTriggerInput (which has no
// name, type or source). TriggerConfig is JSON text; as a courtesy to
// callers that send the decoded object, an object is accepted too.
type TriggerInput struct {
	TriggerName    *string     `json:"triggerName"`
	TriggerType    *string     `json:"triggerType"`
	TriggerConfig  *ConfigText `json:"triggerConfig"`
	Qualifier      *string     `json:"qualifier"`
	Description    *string     `json:"description"`
	SourceArn      *string     `json:"sourceArn"`
	InvocationRole *string     `json:"invocationRole"`
}

// ConfigText is a configuration carried as JSON text. It decodes from a
// JSON string (FC's wire form) or from a JSON object (kept as its text).
type ConfigText string

// UnmarshalJSON accepts a string or an object.
func (c *ConfigText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = ConfigText(s)
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[string]()}
	}
	*c = ConfigText(b)
	return nil
}

// ListTriggersOutput is ListTriggers' answer.
type ListTriggersOutput struct {
	Triggers  []*Trigger `json:"triggers"`
	NextToken string     `json:"nextToken,omitempty"`
}

var triggerNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,127}$`)

// ValidTriggerName checks a trigger name: 1–128 characters of
// [A-Za-z0-9_-], not starting with a digit or '-'.
func ValidTriggerName(name string) error {
	if !triggerNameRE.MatchString(name) {
		return InvalidArgument("triggerName %q is invalid: 1-128 characters of letters, digits, '_' and '-', not starting with a digit or '-'", name)
	}
	return nil
}

// ValidTriggerType accepts the trigger types Yun runs and names the others.
func ValidTriggerType(t string) error {
	switch {
	case t == TriggerHTTP || t == TriggerTimer:
		return nil
	case slices.Contains(triggerTypes, t):
		return InvalidArgument("triggerType %q is not supported by Yun: it runs http and timer triggers", t)
	}
	return InvalidArgument("triggerType %q is unknown: one of %v", t, triggerTypes)
}

// ValidQualifier checks the form of a qualifier: LATEST, a version id or an
// alias name. Whether it exists is for the caller to check.
func ValidQualifier(q string) error {
	if !qualifierRE.MatchString(q) {
		return InvalidArgument("qualifier %q is invalid: LATEST, a version id or an alias name", q)
	}
	return nil
}

// TriggerNotFound is the 404 for a trigger the function does not have.
func TriggerNotFound(function, name string) *Error {
	return Errorf(http.StatusNotFound, "TriggerNotFound", "trigger '%s' of function '%s' does not exist", name, function)
}

// TriggerExists is the 409 for a trigger name that is taken.
func TriggerExists(function, name string) *Error {
	return Errorf(http.StatusConflict, "TriggerAlreadyExists", "trigger '%s' of function '%s' already exists", name, function)
}
