package load

import (
	"context"
	"time"
)

// Sample is one request as the generator saw it. Times are offsets from the
// run's origin.
type Sample struct {
	Phase     string        // the part of the run it belongs to, e.g. "steady"
	Scheduled time.Duration // when it should have been sent (closed loop: = Start)
	Start     time.Duration // when it was handed to the transport
	End       time.Duration // when the whole answer had arrived or failed
	Status    int           // HTTP status; 0 when there was none
	Code      string        // "" for success, else FC's error code or a transport failure class
	Value     string        // a short part of the answer the caller keeps, e.g. the instance's port
}

// OK reports whether the request succeeded.
func (s Sample) OK() bool { return s.Code == "" }

// Latency is the time from the scheduled send to the end of the answer.
func (s Sample) Latency() time.Duration { return s.End - s.Scheduled }

// Lag is how late the generator sent the request.
func (s Sample) Lag() time.Duration { return s.Start - s.Scheduled }

// Outcome is what one request produced.
type Outcome struct {
	Status int
	Code   string // "" for success
	Value  string
}

// Do sends one request and classifies its answer. It must return when ctx
// ends.
type Do func(ctx context.Context) Outcome

// CodeOverload marks an arrival the open-loop generator did not send because
// MaxInFlight requests were already outstanding.
const CodeOverload = "GeneratorOverload"

// Clock gives offsets from a fixed origin.
type Clock struct{ Origin time.Time }

// Now is the offset of the current time.
func (c Clock) Now() time.Duration { return time.Since(c.Origin) }
