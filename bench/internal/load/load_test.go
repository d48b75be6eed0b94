package load

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestSchedule(t *testing.T) {
	tests := []struct {
		name    string
		stages  []Stage
		want    []Arrival
		wantErr bool
	}{
		{"one stage evenly spaced", []Stage{{"a", 4, time.Second}},
			[]Arrival{{0, "a"}, {250 * time.Millisecond, "a"}, {500 * time.Millisecond, "a"}, {750 * time.Millisecond, "a"}}, false},
		{"stages follow each other", []Stage{{"a", 1, 2 * time.Second}, {"b", 2, time.Second}},
			[]Arrival{{0, "a"}, {time.Second, "a"}, {2 * time.Second, "b"}, {2500 * time.Millisecond, "b"}}, false},
		{"zero rate", []Stage{{"a", 0, time.Second}}, nil, true},
		{"zero duration", []Stage{{"a", 1, 0}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Schedule(tt.stages)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Schedule() error = %v, want error %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Schedule() = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("arrival %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestDoubling(t *testing.T) {
	tests := []struct {
		name           string
		start, max     float64
		wantN          int
		wantLast       float64
		wantFirstPhase string
	}{
		{"10 to 1280", 10, 1280, 8, 1280, "10/s"},
		{"max between doublings rounds up", 10, 1000, 8, 1280, "10/s"},
		{"start equals max", 50, 50, 1, 50, "50/s"},
		{"bounded whatever the max", 1, 1e12, maxDoublings, 1 << (maxDoublings - 1), "1/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Doubling(tt.start, tt.max, 5*time.Second)
			if len(got) != tt.wantN {
				t.Fatalf("got %d stages, want %d", len(got), tt.wantN)
			}
			if last := got[len(got)-1].Rate; last != tt.wantLast {
				t.Errorf("last rate = %v, want %v", last, tt.wantLast)
			}
			if got[0].Phase != tt.wantFirstPhase {
				t.Errorf("first phase = %q, want %q", got[0].Phase, tt.wantFirstPhase)
			}
			if end := End(got); end != time.Duration(tt.wantN)*5*time.Second {
				t.Errorf("End = %v, want %v", end, time.Duration(tt.wantN)*5*time.Second)
			}
		})
	}
}

func TestOpenLoopSendsEveryArrival(t *testing.T) {
	schedule, err := Schedule([]Stage{{"x", 200, 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	do := func(ctx context.Context) Outcome {
		calls.Add(1)
		return Outcome{Status: 200, Value: "ok"}
	}
	samples := OpenLoop{Clock: Clock{Origin: time.Now()}, Schedule: schedule}.Run(context.Background(), do)
	if len(samples) != len(schedule) || int(calls.Load()) != len(schedule) {
		t.Fatalf("got %d samples and %d calls, want %d of each", len(samples), calls.Load(), len(schedule))
	}
	for i, s := range samples {
		if s.Scheduled != schedule[i].At || s.Phase != "x" || !s.OK() || s.Value != "ok" {
			t.Errorf("sample %d = %+v, want scheduled at %v in phase x, ok", i, s, schedule[i].At)
		}
		if s.Start < s.Scheduled || s.End < s.Start {
			t.Errorf("sample %d times scheduled %v start %v end %v are out of order", i, s.Scheduled, s.Start, s.End)
		}
	}
}

// TestOpenLoopDoesNotWaitForAnswers: with one slot held by a slow request,
// the later arrivals are still due and are refused as overload, not delayed.
func TestOpenLoopDoesNotWaitForAnswers(t *testing.T) {
	release := make(chan struct{})
	time.AfterFunc(500*time.Millisecond, func() { close(release) })
	do := func(ctx context.Context) Outcome { <-release; return Outcome{Status: 200} }
	schedule := []Arrival{{0, "x"}, {time.Millisecond, "x"}, {2 * time.Millisecond, "x"}}
	samples := OpenLoop{Clock: Clock{Origin: time.Now()}, Schedule: schedule, MaxInFlight: 1}.Run(context.Background(), do)
	want := []string{"", CodeOverload, CodeOverload}
	for i, s := range samples {
		if s.Code != want[i] {
			t.Errorf("sample %d code = %q, want %q", i, s.Code, want[i])
		}
	}
}

func TestOpenLoopStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	schedule := []Arrival{{0, "x"}, {time.Hour, "x"}}
	samples := OpenLoop{Clock: Clock{Origin: time.Now()}, Schedule: schedule}.Run(ctx, func(context.Context) Outcome { return Outcome{} })
	if len(samples) > 1 {
		t.Errorf("got %d samples after cancel, want at most 1", len(samples))
	}
}

func TestClosedLoopBoundedByRequests(t *testing.T) {
	var inFlight, peak atomic.Int32
	do := func(ctx context.Context) Outcome {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		inFlight.Add(-1)
		return Outcome{Status: 200}
	}
	samples := ClosedLoop{Phase: "c", Clock: Clock{Origin: time.Now()}, Workers: 3, Duration: time.Minute, MaxRequests: 30}.
		Run(context.Background(), do)
	if len(samples) != 30 {
		t.Errorf("got %d samples, want 30", len(samples))
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("peak in flight = %d, want at most 3 workers", p)
	}
	for _, s := range samples {
		if s.Phase != "c" || s.Scheduled != s.Start {
			t.Fatalf("sample %+v: want phase c and Scheduled == Start", s)
		}
	}
}

func TestClosedLoopBoundedByTime(t *testing.T) {
	do := func(ctx context.Context) Outcome { time.Sleep(time.Millisecond); return Outcome{} }
	start := time.Now()
	ClosedLoop{Clock: Clock{Origin: start}, Workers: 2, Duration: 50 * time.Millisecond}.Run(context.Background(), do)
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("ran %v, want it to stop after its 50ms duration", elapsed)
	}
}
