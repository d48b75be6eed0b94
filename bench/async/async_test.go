package main

import (
	"slices"
	"testing"
	"time"

	"github.com/yun-fc/yun/bench/internal/load"
	"github.com/yun-fc/yun/internal/fc"
)

func TestPhaseOf(t *testing.T) {
	b := bounds{SubmitStart: 10 * time.Second, SubmitEnd: 12 * time.Second, DrainEnd: 20 * time.Second, AfterStart: 21 * time.Second}
	tests := []struct {
		name string
		at   time.Duration
		want string
	}{
		{"before submission", 9 * time.Second, "baseline"},
		{"at submission start", 10 * time.Second, "submitting"},
		{"after submission", 12 * time.Second, "draining"},
		{"between drain and after", 20500 * time.Millisecond, ""},
		{"after phase", 21 * time.Second, "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.phaseOf(tt.at); got != tt.want {
				t.Errorf("phaseOf(%v) = %q, want %q", tt.at, got, tt.want)
			}
		})
	}
}

func TestLabelDropsGap(t *testing.T) {
	b := bounds{SubmitStart: time.Second, SubmitEnd: 2 * time.Second, DrainEnd: 3 * time.Second, AfterStart: 4 * time.Second}
	in := []load.Sample{{Start: 0}, {Start: 3500 * time.Millisecond}, {Start: 5 * time.Second}}
	var got []string
	for _, s := range label(in, b) {
		got = append(got, s.Phase)
	}
	if want := []string{"baseline", "after"}; !slices.Equal(got, want) {
		t.Errorf("phases = %v, want %v", got, want)
	}
}

func TestDrainOf(t *testing.T) {
	origin := time.UnixMilli(1_000_000)
	tasks := []*fc.AsyncTask{
		{Status: fc.AsyncSucceeded, StartedTime: 1_000_100, EndTime: 1_000_600},
		{Status: fc.AsyncSucceeded, StartedTime: 1_000_200, EndTime: 1_002_100},
		{Status: fc.AsyncFailed, StartedTime: 1_000_200, EndTime: 1_003_100},
		{Status: fc.AsyncEnqueued, StartedTime: 1_000_300},
	}
	d := drainOf(tasks, origin, 100*time.Millisecond)
	tests := []struct {
		name      string
		got, want any
	}{
		{"succeeded", d.Succeeded, 2},
		{"last end counts every terminal task", d.LastEnd, 3100 * time.Millisecond},
		{"duration from first submission", d.Duration, 3 * time.Second},
		{"rate", d.Rate, 2.0 / 3},
		{"enqueued counted by status", d.ByStatus[fc.AsyncEnqueued], 1},
		{"end-to-end max", d.EndToEnd.Max, 1900 * time.Millisecond},
		{"completions of succeeded only", len(d.Completion), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestAcceptOf(t *testing.T) {
	sub := submission{Start: time.Second, End: 3 * time.Second, TaskIDs: []string{"a", "b"}, Samples: []load.Sample{
		{Start: time.Second, Scheduled: time.Second, End: 1010 * time.Millisecond, Value: "a"},
		{Start: time.Second, Scheduled: time.Second, End: 1030 * time.Millisecond, Value: "b"},
		{Start: time.Second, Scheduled: time.Second, End: 2 * time.Second, Code: "ResourceThrottled"},
	}}
	a := acceptOf(sub)
	if a.Sent != 3 || a.Accepted != 2 || a.Rate != 1 || a.Errors["ResourceThrottled"] != 1 {
		t.Errorf("got sent %d accepted %d rate %v errors %v, want 3, 2, 1, ResourceThrottled 1", a.Sent, a.Accepted, a.Rate, a.Errors)
	}
	if a.Latency.N != 2 || a.Latency.Max != 30*time.Millisecond {
		t.Errorf("latency = %+v, want 2 samples with max 30ms (errors left out)", a.Latency)
	}
}

func TestLatestAccepted(t *testing.T) {
	samples := []load.Sample{{End: 3, Value: "c"}, {End: 9, Code: "HTTP500"}, {End: 5, Value: "e"}, {End: 1, Value: "a"}}
	if got, want := latestAccepted(samples, 2), []string{"e", "c"}; !slices.Equal(got, want) {
		t.Errorf("latestAccepted = %v, want %v", got, want)
	}
	if got := latestAccepted(samples, 10); len(got) != 3 {
		t.Errorf("latestAccepted(10) has %d ids, want 3", len(got))
	}
}

func TestPerSecond(t *testing.T) {
	got := perSecond([]time.Duration{0, 999 * time.Millisecond, time.Second, 5 * time.Second, -time.Second}, 3)
	if want := []int{2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("perSecond = %v, want %v", got, want)
	}
}

func TestTerminal(t *testing.T) {
	for status, want := range map[string]bool{fc.AsyncSucceeded: true, fc.AsyncFailed: true, fc.AsyncExpired: true,
		fc.AsyncRunning: false, fc.AsyncEnqueued: false, fc.AsyncRetrying: false, fc.AsyncStopping: false} {
		t.Run(status, func(t *testing.T) {
			if got := terminal(status); got != want {
				t.Errorf("terminal(%q) = %v, want %v", status, got, want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		ok     bool
	}{
		{"defaults", func(*Config) {}, true},
		{"no tasks", func(c *Config) { c.Tasks = 0 }, false},
		{"no clients", func(c *Config) { c.Clients = 0 }, false},
		{"short baseline", func(c *Config) { c.Baseline = time.Millisecond }, false},
		{"fast polls", func(c *Config) { c.PollEvery = time.Millisecond }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.change(&c)
			if err := c.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
