package fc

import (
	"fmt"
	"net/http"
	"time"
)

// Scaling: provisioned instances, reserved concurrency and the instances
// themselves (fc3-api.md §2, §3.2, §9).

// Scaling limits and names.
const (
	MaxProvisionTarget = 10000 // target and defaultTarget, [0, 10000]
	// MetricProvisionedConcurrencyUtilization is the one target-tracking
	// metric Yun measures: busy slots over the slots of provisioned
	// instances.
	MetricProvisionedConcurrencyUtilization = "ProvisionedConcurrencyUtilization"
)

// Instance kinds, as InstanceInfo.resourceType carries them.
const (
	ResourceProvisioned = "provisioned"
	ResourceOnDemand    = "on-demand"
)

// Error codes of the scaling operations and of throttled invocations. FC's
// own names for the not-found cases are not documented (fc3-api.md §11).
const (
	CodeProvisionConfigNotFound   = "ProvisionConfigNotFound"
	CodeConcurrencyConfigNotFound = "ConcurrencyConfigNotFound"
	// CodeReservedConcurrencyThrottling refuses an invocation beyond its
	// function's reservedConcurrency (429). It contains "Throttling", so
	// the SDK raises its ThrottlingError with x-acs-retry-after.
	CodeReservedConcurrencyThrottling = "Throttling.ReservedConcurrency"
)

// ScheduledAction sets the provisioned target at the times of its
// scheduleExpression: cron(<6 fields, with seconds>) or at(<ISO time>),
// read in timeZone (default UTC), between startTime and endTime.
type ScheduledAction struct {
	Name               string `json:"name"`
	ScheduleExpression string `json:"scheduleExpression"`
	Target             *int   `json:"target"`
	StartTime          string `json:"startTime,omitempty"`
	EndTime            string `json:"endTime,omitempty"`
	TimeZone           string `json:"timeZone,omitempty"`
}

// TargetTrackingPolicy keeps the utilisation of provisioned instances near
// metricTarget, within [minCapacity, maxCapacity], while it is in force.
type TargetTrackingPolicy struct {
	Name         string   `json:"name"`
	MetricType   string   `json:"metricType"`
	MetricTarget *float64 `json:"metricTarget"`
	MinCapacity  *int     `json:"minCapacity"`
	MaxCapacity  *int     `json:"maxCapacity"`
	StartTime    string   `json:"startTime,omitempty"`
	EndTime      string   `json:"endTime,omitempty"`
	TimeZone     string   `json:"timeZone,omitempty"`
}

// PutProvisionConfigInput is the body of PutProvisionConfig.
type PutProvisionConfigInput struct {
	Target                 *int                   `json:"target"`
	DefaultTarget          *int                   `json:"defaultTarget,omitempty"`
	AlwaysAllocateCPU      *bool                  `json:"alwaysAllocateCPU,omitempty"`
	AlwaysAllocateGPU      *bool                  `json:"alwaysAllocateGPU,omitempty"`
	ScheduledActions       []ScheduledAction      `json:"scheduledActions,omitempty"`
	TargetTrackingPolicies []TargetTrackingPolicy `json:"targetTrackingPolicies,omitempty"`
}

// ProvisionConfig is a function qualifier's provision config as
// Get/Put/ListProvisionConfig(s) return it: the configuration, the target
// in force now, and how many provisioned instances are ready (current).
type ProvisionConfig struct {
	FunctionArn            string                 `json:"functionArn"`
	Target                 int                    `json:"target"`
	Current                int                    `json:"current"`
	CurrentError           string                 `json:"currentError"`
	DefaultTarget          *int                   `json:"defaultTarget,omitempty"`
	AlwaysAllocateCPU      bool                   `json:"alwaysAllocateCPU"`
	AlwaysAllocateGPU      bool                   `json:"alwaysAllocateGPU"`
	ScheduledActions       []ScheduledAction      `json:"scheduledActions"`
	TargetTrackingPolicies []TargetTrackingPolicy `json:"targetTrackingPolicies"`
}

// ListProvisionConfigsOutput is the answer of ListProvisionConfigs.
type ListProvisionConfigsOutput struct {
	ProvisionConfigs []*ProvisionConfig `json:"provisionConfigs"`
	NextToken        string             `json:"nextToken,omitempty"`
}

// PutConcurrencyInput is the body of PutConcurrencyConfig.
type PutConcurrencyInput struct {
	ReservedConcurrency *int `json:"reservedConcurrency"`
}

// ConcurrencyConfig caps a function's instances, provisioned and on-demand
// together.
type ConcurrencyConfig struct {
	FunctionArn         string `json:"functionArn"`
	ReservedConcurrency int    `json:"reservedConcurrency"`
}

// ListConcurrencyConfigsOutput is the answer of ListConcurrencyConfigs.
type ListConcurrencyConfigsOutput struct {
	Configs   []*ConcurrencyConfig `json:"configs"`
	NextToken string               `json:"nextToken,omitempty"`
}

// InstanceInfo is one instance as ListInstances shows it. Status is
// Starting, Idle, Busy or Draining; resourceType provisioned or on-demand.
type InstanceInfo struct {
	InstanceID      string `json:"instanceId"`
	VersionID       string `json:"versionId"`
	Qualifier       string `json:"qualifier"`
	Status          string `json:"status"`
	ResourceType    string `json:"resourceType"`
	CreatedTimeMs   int64  `json:"createdTimeMs"`
	DestroyedTimeMs int64  `json:"destroyedTimeMs,omitempty"`
}

// ListInstancesOutput is the answer of ListInstances (no paging).
type ListInstancesOutput struct {
	Instances []*InstanceInfo `json:"instances"`
	RequestID string          `json:"requestId"`
}

// Validate checks a PutConcurrencyInput against the account's instance
// quota.
func (in *PutConcurrencyInput) Validate(quota int) error {
	switch n := in.ReservedConcurrency; {
	case n == nil:
		return InvalidArgument("reservedConcurrency is required")
	case *n < 0 || *n > quota:
		return InvalidArgument("reservedConcurrency %d is invalid: an integer in [0, %d], the account's instance quota", *n, quota)
	}
	return nil
}

// Validate checks a PutProvisionConfigInput: targets in range, scheduled
// actions and tracking policies well formed.
func (in *PutProvisionConfigInput) Validate() error {
	if in.Target == nil {
		return InvalidArgument("target is required")
	}
	if err := checkTarget("target", *in.Target); err != nil {
		return err
	}
	if in.DefaultTarget != nil {
		if err := checkTarget("defaultTarget", *in.DefaultTarget); err != nil {
			return err
		}
	}
	names := make(map[string]bool)
	for i := range in.ScheduledActions {
		if err := in.ScheduledActions[i].validate(names); err != nil {
			return err
		}
	}
	clear(names)
	for i := range in.TargetTrackingPolicies {
		if err := in.TargetTrackingPolicies[i].validate(names); err != nil {
			return err
		}
	}
	return nil
}

func checkTarget(field string, n int) error {
	if n < 0 || n > MaxProvisionTarget {
		return InvalidArgument("%s %d is invalid: an integer in [0, %d]", field, n, MaxProvisionTarget)
	}
	return nil
}

func checkName(kind, name string, seen map[string]bool) error {
	if name == "" {
		return InvalidArgument("%s name is required", kind)
	}
	if seen[name] {
		return InvalidArgument("%s name %q is used twice", kind, name)
	}
	seen[name] = true
	return nil
}

func (a *ScheduledAction) validate(seen map[string]bool) error {
	if err := checkName("scheduled action", a.Name, seen); err != nil {
		return err
	}
	if a.Target == nil {
		return InvalidArgument("scheduled action %q: target is required", a.Name)
	}
	if err := checkTarget(fmt.Sprintf("scheduled action %q: target", a.Name), *a.Target); err != nil {
		return err
	}
	w, err := a.Window()
	if err != nil {
		return err
	}
	if _, err := ParseSchedule(a.ScheduleExpression, w.Location); err != nil {
		return InvalidArgument("scheduled action %q: %v", a.Name, err)
	}
	return nil
}

func (p *TargetTrackingPolicy) validate(seen map[string]bool) error {
	if err := checkName("target tracking policy", p.Name, seen); err != nil {
		return err
	}
	if p.MetricType != MetricProvisionedConcurrencyUtilization {
		return InvalidArgument("target tracking policy %q: metricType %q is not supported: only %s",
			p.Name, p.MetricType, MetricProvisionedConcurrencyUtilization)
	}
	if t := p.MetricTarget; t == nil || !(*t > 0 && *t <= 1) {
		return InvalidArgument("target tracking policy %q: metricTarget is required, a number in (0, 1]", p.Name)
	}
	if p.MinCapacity == nil || p.MaxCapacity == nil {
		return InvalidArgument("target tracking policy %q: minCapacity and maxCapacity are required", p.Name)
	}
	lo, hi := *p.MinCapacity, *p.MaxCapacity
	if lo < 0 || hi > MaxProvisionTarget || lo > hi {
		return InvalidArgument("target tracking policy %q: minCapacity %d and maxCapacity %d are invalid: 0 <= min <= max <= %d",
			p.Name, lo, hi, MaxProvisionTarget)
	}
	_, err := ParseWindow(p.Name, p.StartTime, p.EndTime, p.TimeZone)
	return err
}

// Window is when a scheduled action or tracking policy is in force, read in
// its time zone. Zero Start or End leaves that side open.
type Window struct {
	Location *time.Location
	Start    time.Time
	End      time.Time
}

// Contains reports whether t is inside the window.
func (w Window) Contains(t time.Time) bool {
	return (w.Start.IsZero() || !t.Before(w.Start)) && (w.End.IsZero() || !t.After(w.End))
}

// Window returns the action's window.
func (a *ScheduledAction) Window() (Window, error) {
	return ParseWindow(a.Name, a.StartTime, a.EndTime, a.TimeZone)
}

// ParseWindow reads startTime, endTime and timeZone of the named action or
// policy.
func ParseWindow(name, start, end, zone string) (Window, error) {
	var w Window
	var err error
	if w.Location, err = LoadTimeZone(zone); err != nil {
		return w, InvalidArgument("%q: timeZone %q is invalid: %v", name, zone, err)
	}
	if w.Start, err = ParseScheduleTime(start, w.Location); err != nil {
		return w, InvalidArgument("%q: startTime %q is invalid: %v", name, start, err)
	}
	if w.End, err = ParseScheduleTime(end, w.Location); err != nil {
		return w, InvalidArgument("%q: endTime %q is invalid: %v", name, end, err)
	}
	if !w.Start.IsZero() && !w.End.IsZero() && !w.Start.Before(w.End) {
		return w, InvalidArgument("%q: startTime %s is not before endTime %s", name, start, end)
	}
	return w, nil
}

// ProvisionConfigNotFound is the 404 for a qualifier without provision config.
func ProvisionConfigNotFound(function, qualifier string) *Error {
	return Errorf(http.StatusNotFound, CodeProvisionConfigNotFound,
		"provision config of function '%s' qualifier '%s' does not exist", function, qualifier)
}

// ConcurrencyConfigNotFound is the 404 for a function without concurrency
// config.
func ConcurrencyConfigNotFound(function string) *Error {
	return Errorf(http.StatusNotFound, CodeConcurrencyConfigNotFound,
		"concurrency config of function '%s' does not exist", function)
}
