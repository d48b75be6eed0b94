package fc

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Asynchronous invocation: the async invoke configuration, async tasks and
// timer trigger configuration (fc3-api.md §2, §3.2, §3.3, §9).

// Async task statuses, as AsyncTask.status and AsyncTaskEvent.status carry
// them. Succeeded, Failed, Stopped, Expired and Invalid are final.
const (
	AsyncEnqueued  = "Enqueued"
	AsyncDequeued  = "Dequeued"
	AsyncRunning   = "Running"
	AsyncRetrying  = "Retrying"
	AsyncSucceeded = "Succeeded"
	AsyncFailed    = "Failed"
	AsyncStopping  = "Stopping"
	AsyncStopped   = "Stopped"
	AsyncExpired   = "Expired"
	AsyncInvalid   = "Invalid"
)

// AsyncStatuses lists every status, in the order a task may pass them.
var AsyncStatuses = []string{AsyncEnqueued, AsyncDequeued, AsyncRunning, AsyncRetrying, AsyncStopping,
	AsyncSucceeded, AsyncFailed, AsyncStopped, AsyncExpired, AsyncInvalid}

// AsyncFinal reports whether status is one a task never leaves.
func AsyncFinal(status string) bool {
	switch status {
	case AsyncSucceeded, AsyncFailed, AsyncStopped, AsyncExpired, AsyncInvalid:
		return true
	}
	return false
}

// Async limits and defaults (fc3-api.md §9; the SDK documents the ranges).
const (
	DefaultAsyncRetryAttempts = 3
	MaxAsyncRetryAttempts     = 8
	DefaultAsyncEventAge      = 86400 // seconds
	MinAsyncEventAge          = 1
	MaxAsyncEventAge          = 604800
	MaxAsyncTaskID            = 128
	DefaultAsyncTaskLimit     = 20
	MaxAsyncTaskLimit         = 100
)

// Error codes of the async operations. FC's own codes for these cases are not
// documented (fc3-api.md §11); these name the condition plainly.
const (
	CodeAsyncTaskNotFound      = "AsyncTaskNotFound"
	CodeAsyncTaskAlreadyExists = "AsyncTaskAlreadyExists"
	CodeAsyncTaskFinished      = "AsyncTaskAlreadyFinished"
	CodeAsyncConfigNotFound    = "AsyncConfigNotFound"
)

// Destination names where an invocation record goes: a function ARN
// (acs:fc:{region}:{account}:functions/{name}[/{qualifier}]) or, as a Yun
// extension, an http:// or https:// URL that receives a POST.
type Destination struct {
	Destination string `json:"destination"`
}

// DestinationConfig is where records of succeeded and failed invocations go.
type DestinationConfig struct {
	OnSuccess *Destination `json:"onSuccess,omitempty"`
	OnFailure *Destination `json:"onFailure,omitempty"`
}

// AsyncConfig is the async invoke configuration of a function qualifier, as
// Put/Get/ListAsyncInvokeConfig(s) return it. Every field holds a value:
// NewAsyncConfig fills FC's defaults.
type AsyncConfig struct {
	FunctionArn               string             `json:"functionArn"`
	AsyncTask                 bool               `json:"asyncTask"`
	MaxAsyncEventAgeInSeconds int                `json:"maxAsyncEventAgeInSeconds"`
	MaxAsyncRetryAttempts     int                `json:"maxAsyncRetryAttempts"`
	DestinationConfig         *DestinationConfig `json:"destinationConfig,omitempty"`
	CreatedTime               string             `json:"createdTime,omitempty"`
	LastModifiedTime          string             `json:"lastModifiedTime,omitempty"`
}

// PutAsyncInvokeConfigInput is the body of PutAsyncInvokeConfig. A nil field
// takes FC's default: Put replaces the whole configuration.
type PutAsyncInvokeConfigInput struct {
	AsyncTask                 *bool              `json:"asyncTask"`
	DestinationConfig         *DestinationConfig `json:"destinationConfig"`
	MaxAsyncEventAgeInSeconds *int               `json:"maxAsyncEventAgeInSeconds"`
	MaxAsyncRetryAttempts     *int               `json:"maxAsyncRetryAttempts"`
}

// ListAsyncInvokeConfigOutput is the answer of ListAsyncInvokeConfigs.
type ListAsyncInvokeConfigOutput struct {
	Configs   []*AsyncConfig `json:"configs"`
	NextToken string         `json:"nextToken,omitempty"`
}

// AsyncTask is the record of one asynchronous invocation. Times are epoch
// milliseconds.
type AsyncTask struct {
	TaskID              string           `json:"taskId"`
	RequestID           string           `json:"requestId"`
	FunctionArn         string           `json:"functionArn"`
	Qualifier           string           `json:"qualifier"`
	Status              string           `json:"status"`
	DestinationStatus   string           `json:"destinationStatus,omitempty"`
	StartedTime         int64            `json:"startedTime"`
	EndTime             int64            `json:"endTime,omitempty"`
	DurationMs          int64            `json:"durationMs"`
	AlreadyRetriedTimes int              `json:"alreadyRetriedTimes"`
	InstanceID          string           `json:"instanceId,omitempty"`
	TaskPayload         string           `json:"taskPayload,omitempty"`
	ReturnPayload       string           `json:"returnPayload,omitempty"`
	TaskErrorMessage    string           `json:"taskErrorMessage,omitempty"`
	Events              []AsyncTaskEvent `json:"events"`
}

// AsyncTaskEvent is one status change of an AsyncTask. EventDetail is JSON
// text such as {"Error":"UnhandledInvocationError"}, or empty.
type AsyncTaskEvent struct {
	EventID     int    `json:"eventId"`
	Status      string `json:"status"`
	Timestamp   int64  `json:"timestamp"`
	EventDetail string `json:"eventDetail,omitempty"`
}

// ListAsyncTaskOutput is the answer of ListAsyncTasks.
type ListAsyncTaskOutput struct {
	Tasks     []*AsyncTask `json:"tasks"`
	NextToken string       `json:"nextToken,omitempty"`
}

// TimerTriggerConfig is the decoded triggerConfig of a timer trigger.
type TimerTriggerConfig struct {
	CronExpression string `json:"cronExpression"`
	Enable         bool   `json:"enable"`
	Payload        string `json:"payload"`
}

// ParseTimerTriggerConfig decodes a timer trigger's triggerConfig text. An
// absent "enable" means enabled: a trigger is created to fire. The cron
// expression itself is checked by package trigger.
func ParseTimerTriggerConfig(text string) (*TimerTriggerConfig, error) {
	c := &TimerTriggerConfig{Enable: true}
	if err := json.Unmarshal([]byte(text), c); err != nil {
		return nil, InvalidArgument("triggerConfig of a timer trigger is invalid: %v", err)
	}
	if strings.TrimSpace(c.CronExpression) == "" {
		return nil, InvalidArgument("triggerConfig.cronExpression is required")
	}
	return c, nil
}

var taskIDRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,127}$`)

// TimerTaskPrefix starts the task ids of timer fires. A caller's
// x-fc-async-task-id may not start with it (CallerTaskID), so that nobody
// can take a fire's id, which is derived from the trigger and the time,
// before the timer does.
const TimerTaskPrefix = "timer_"

// CallerTaskID checks an x-fc-async-task-id a caller sent; empty means
// none (the platform makes one).
func CallerTaskID(id string) error {
	if strings.HasPrefix(id, TimerTaskPrefix) {
		return InvalidArgument("x-fc-async-task-id %q is invalid: the prefix %q is reserved for timer triggers", id, TimerTaskPrefix)
	}
	if id == "" {
		return nil
	}
	return ValidTaskID(id)
}

// ValidTaskID checks an x-fc-async-task-id: 1–128 letters, digits, '_' and
// '-', starting with a letter or '_'.
func ValidTaskID(id string) error {
	if !taskIDRE.MatchString(id) {
		return InvalidArgument("x-fc-async-task-id %q is invalid: 1-128 letters, digits, '_' and '-', starting with a letter or '_'", id)
	}
	return nil
}

// NewAsyncConfig turns a PutAsyncInvokeConfigInput into the configuration to
// store: defaults for nil fields, empty destinations dropped, then validated.
// FunctionArn and the times are the caller's to set.
func NewAsyncConfig(in *PutAsyncInvokeConfigInput) (*AsyncConfig, error) {
	c := DefaultAsyncConfig()
	setIf(&c.AsyncTask, in.AsyncTask)
	setIf(&c.MaxAsyncEventAgeInSeconds, in.MaxAsyncEventAgeInSeconds)
	setIf(&c.MaxAsyncRetryAttempts, in.MaxAsyncRetryAttempts)
	if d := in.DestinationConfig; d != nil {
		dc := &DestinationConfig{OnSuccess: nonEmpty(d.OnSuccess), OnFailure: nonEmpty(d.OnFailure)}
		if dc.OnSuccess != nil || dc.OnFailure != nil {
			c.DestinationConfig = dc
		}
	}
	if err := ValidateAsyncConfig(c); err != nil {
		return nil, err
	}
	return c, nil
}

// DefaultAsyncConfig is the configuration of a function that has none: 3
// retries, events kept for a day, no destinations, no async task feature.
func DefaultAsyncConfig() *AsyncConfig {
	return &AsyncConfig{MaxAsyncEventAgeInSeconds: DefaultAsyncEventAge, MaxAsyncRetryAttempts: DefaultAsyncRetryAttempts}
}

func nonEmpty(d *Destination) *Destination {
	if d == nil || strings.TrimSpace(d.Destination) == "" {
		return nil
	}
	return &Destination{Destination: strings.TrimSpace(d.Destination)}
}

// ValidateAsyncConfig checks the ranges and the destinations of c.
func ValidateAsyncConfig(c *AsyncConfig) error {
	if err := validRange("maxAsyncRetryAttempts", c.MaxAsyncRetryAttempts, 0, MaxAsyncRetryAttempts); err != nil {
		return err
	}
	if err := validRange("maxAsyncEventAgeInSeconds", c.MaxAsyncEventAgeInSeconds, MinAsyncEventAge, MaxAsyncEventAge); err != nil {
		return err
	}
	if c.DestinationConfig == nil {
		return nil
	}
	if d := c.DestinationConfig.OnSuccess; d != nil {
		if err := ValidDestination("destinationConfig.onSuccess.destination", d.Destination); err != nil {
			return err
		}
	}
	if d := c.DestinationConfig.OnFailure; d != nil {
		return ValidDestination("destinationConfig.onFailure.destination", d.Destination)
	}
	return nil
}

// ValidDestination checks that dest is a function ARN or an http(s) URL.
func ValidDestination(field, dest string) error {
	if IsWebhook(dest) {
		u, err := url.Parse(dest)
		if err != nil || u.Host == "" || u.User != nil {
			return InvalidArgument("%s %q is not a valid http(s) URL without credentials", field, dest)
		}
		return nil
	}
	if _, err := ParseFunctionARN(dest); err != nil {
		return InvalidArgument("%s %q is invalid: want acs:fc:<region>:<account>:functions/<name>[/<qualifier>] or an http(s) URL", field, dest)
	}
	return nil
}

// IsWebhook reports whether a destination is an http:// or https:// URL.
func IsWebhook(dest string) bool {
	l := strings.ToLower(dest)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// FunctionRef is what a function ARN names.
type FunctionRef struct {
	Region, AccountID, Name, Qualifier string
}

var (
	regionRE    = regexp.MustCompile(`^[a-z0-9-]+$`)
	accountRE   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	qualifierRE = regexp.MustCompile(`^(LATEST|[0-9]{1,20}|[A-Za-z_][A-Za-z0-9_-]{0,127})$`)
)

// ParseFunctionARN parses acs:fc:{region}:{account}:functions/{name}, with an
// optional /{qualifier} suffix.
func ParseFunctionARN(arn string) (FunctionRef, error) {
	parts := strings.Split(arn, ":")
	if len(parts) != 5 || parts[0] != "acs" || parts[1] != "fc" || !regionRE.MatchString(parts[2]) || !accountRE.MatchString(parts[3]) {
		return FunctionRef{}, InvalidArgument("%q is not a function ARN", arn)
	}
	path := strings.Split(parts[4], "/")
	if len(path) < 2 || len(path) > 3 || path[0] != "functions" || !nameRE.MatchString(path[1]) {
		return FunctionRef{}, InvalidArgument("%q is not a function ARN", arn)
	}
	ref := FunctionRef{Region: parts[2], AccountID: parts[3], Name: path[1]}
	if len(path) == 3 {
		if !qualifierRE.MatchString(path[2]) {
			return FunctionRef{}, InvalidArgument("%q is not a function ARN: bad qualifier", arn)
		}
		ref.Qualifier = path[2]
	}
	return ref, nil
}

// AsyncTaskNotFound is the 404 for a task the function does not have.
func AsyncTaskNotFound(function, taskID string) *Error {
	return Errorf(http.StatusNotFound, CodeAsyncTaskNotFound, "async task '%s' of function '%s' does not exist", taskID, function)
}
