package async

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

var t0 = time.UnixMilli(1_700_000_000_000)

func TestEarly(t *testing.T) {
	rec := func(status string, seq uint64, mutate func(*record)) *record {
		r := &record{Seq: seq, Task: fc.AsyncTask{Status: status}}
		if mutate != nil {
			mutate(r)
		}
		return r
	}
	tests := []struct {
		name     string
		r        *record
		seq      uint64
		want     step
		wantWait time.Duration
	}{
		{"enqueued", rec(fc.AsyncEnqueued, 7, nil), 7, stepRun, 0},
		{"accepted but not yet marked", rec(fc.AsyncEnqueued, 0, nil), 7, stepRun, 0},
		{"another message of the task", rec(fc.AsyncEnqueued, 3, nil), 7, stepSkip, 0},
		{"running when a crash interrupted it", rec(fc.AsyncRunning, 7, nil), 7, stepRun, 0},
		{"succeeded", rec(fc.AsyncSucceeded, 7, nil), 7, stepSkip, 0},
		{"stopped before it ran", rec(fc.AsyncStopped, 7, nil), 7, stepSkip, 0},
		{"failed, destination owed", rec(fc.AsyncFailed, 7, func(r *record) { r.Destination = "http://x" }), 7, stepDeliver, 0},
		{"being stopped", rec(fc.AsyncStopping, 7, nil), 7, stepStop, 0},
		{"retry due", rec(fc.AsyncRetrying, 7, func(r *record) { r.NextAttempt = ms(t0) }), 7, stepRun, 0},
		{"retry not yet due", rec(fc.AsyncRetrying, 7, func(r *record) { r.NextAttempt = ms(t0.Add(3 * time.Second)) }),
			7, stepWait, 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, wait := early(tc.r, tc.seq, t0)
			if got != tc.want || wait != tc.wantWait {
				t.Errorf("got step %d wait %v, want %d wait %v", got, wait, tc.want, tc.wantWait)
			}
		})
	}
}

func TestBegin(t *testing.T) {
	tests := []struct {
		name       string
		status     string
		recSeq     uint64
		wantErr    bool
		wantEvents []string
	}{
		{"first attempt", fc.AsyncEnqueued, 0, false, []string{fc.AsyncEnqueued, fc.AsyncDequeued, fc.AsyncRunning}},
		{"retry", fc.AsyncRetrying, 7, false, []string{fc.AsyncEnqueued, fc.AsyncRetrying, fc.AsyncRunning}},
		{"stopped meanwhile", fc.AsyncStopped, 7, true, nil},
		{"being stopped", fc.AsyncStopping, 7, true, nil},
		{"another message's task", fc.AsyncEnqueued, 3, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecord(fnRef{"1", "f"}, "arn", "LATEST", "req", "task", 0, t0)
			if tc.status != fc.AsyncEnqueued {
				r.event(tc.status, t0, "")
			}
			r.Seq = tc.recSeq
			err := begin(r, 7, t0.Add(time.Second))
			if tc.wantErr {
				if !errors.Is(err, errNotRunnable) {
					t.Errorf("got %v, want errNotRunnable", err)
				}
				return
			}
			if err != nil || r.Seq != 7 || r.Invocations != 1 || r.AttemptStart != ms(t0.Add(time.Second)) {
				t.Errorf("got err %v, seq %d, invocations %d, attempt start %d; want nil, 7, 1, %d",
					err, r.Seq, r.Invocations, r.AttemptStart, ms(t0.Add(time.Second)))
			}
			if got := eventStatuses(&r.Task); fmt.Sprint(got) != fmt.Sprint(tc.wantEvents) {
				t.Errorf("got events %v, want %v", got, tc.wantEvents)
			}
		})
	}
}

func TestFinishWhileStoppingEndsStopped(t *testing.T) {
	r := newRecord(fnRef{"1", "f"}, "arn", "LATEST", "req", "task", 0, t0)
	_ = begin(r, 1, t0)
	r.event(fc.AsyncStopping, t0, "")
	r.finish(t0.Add(250*time.Millisecond), fc.AsyncSucceeded, finalOutcome{destination: "http://x", statusCode: 200})
	if r.Task.Status != fc.AsyncStopped || r.Destination != "" || r.Task.DurationMs != 250 || r.Task.EndTime != ms(t0)+250 {
		t.Errorf("got status %s, destination %q, duration %d, end %d; want Stopped, none, 250, %d",
			r.Task.Status, r.Destination, r.Task.DurationMs, r.Task.EndTime, ms(t0)+250)
	}
}

func TestEventsAreBounded(t *testing.T) {
	r := newRecord(fnRef{"1", "f"}, "arn", "LATEST", "req", "task", 0, t0)
	for range 3 * maxEvents {
		r.event(fc.AsyncRetrying, t0, "")
	}
	ev := r.Task.Events
	if len(ev) != maxEvents || ev[0].Status != fc.AsyncEnqueued || ev[len(ev)-1].EventID != 3*maxEvents+1 {
		t.Errorf("got %d events, first %s, last id %d; want %d, Enqueued, %d",
			len(ev), ev[0].Status, ev[len(ev)-1].EventID, maxEvents, 3*maxEvents+1)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		out   *Outcome
		err   error
		cause error
		want  result
	}{
		{"success", &Outcome{}, nil, nil, resSuccess},
		{"function error", &Outcome{ErrorType: "UnhandledInvocationError"}, nil, nil, resFunctionError},
		{"throttled", nil, fmt.Errorf("queue full: %w", ErrThrottled), nil, resThrottled},
		{"unknown platform error", nil, errBoom, nil, resThrottled},
		{"refused for good (as execute turns it)", refusedOutcome(fmt.Errorf("disabled: %w", ErrRefused)), nil, nil, resFunctionError},
		{"function gone", nil, fmt.Errorf("f: %w", ErrFunctionGone), nil, resGone},
		{"stopped", nil, context.Canceled, errStopRequested, resStopped},
		{"stopped though it answered", &Outcome{}, nil, errStopRequested, resStopped},
		{"shutdown", nil, context.Canceled, errShutdown, resAbandoned},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := classify(tc.out, tc.err, tc.cause); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	lowest := func(int64) int64 { return 0 }
	highest := func(k int64) int64 { return k - 1 }
	tests := []struct {
		name     string
		n        int
		min, max time.Duration
	}{
		{"first retry", 1, 500 * time.Millisecond, time.Second},
		{"third retry", 3, 2 * time.Second, 4 * time.Second},
		{"capped", 10, 30 * time.Second, time.Minute},
		{"huge n does not overflow", 500, 30 * time.Second, time.Minute},
		{"n below 1 is the first", 0, 500 * time.Millisecond, time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := backoff(time.Second, time.Minute, tc.n, lowest), backoff(time.Second, time.Minute, tc.n, highest)
			if lo != tc.min || hi != tc.max {
				t.Errorf("got [%v, %v], want [%v, %v]", lo, hi, tc.min, tc.max)
			}
		})
	}
}

func TestNextAttemptStopsAtExpiry(t *testing.T) {
	r := newRecord(fnRef{"1", "f"}, "arn", "LATEST", "req", "task", 0, t0)
	cfg := &fc.AsyncConfig{MaxAsyncEventAgeInSeconds: 10}
	if got := nextAttempt(r, cfg, time.Hour, time.Hour, 1, t0.Add(time.Second)); !got.Equal(t0.Add(10 * time.Second)) {
		t.Errorf("got %v, want the expiry %v", got, t0.Add(10*time.Second))
	}
}

func TestSubjectRoundTrip(t *testing.T) {
	tests := []struct {
		subject string
		want    fnRef
		ok      bool
	}{
		{"yun.async.123.my-fn_2", fnRef{"123", "my-fn_2"}, true},
		{"yun.async.123", fnRef{}, false},
		{"yun.async.123.1bad", fnRef{}, false},
		{"yun.other.123.fn", fnRef{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.subject, func(t *testing.T) {
			got, ok := refFromSubject(tc.subject)
			if ok != tc.ok || ok && got != tc.want {
				t.Errorf("got %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
			if ok && got.subject() != tc.subject {
				t.Errorf("got subject %q back, want %q", got.subject(), tc.subject)
			}
		})
	}
	a, b := fnRef{"1_2", "f"}, fnRef{"1", "2_f"}
	if a.consumer() == b.consumer() || strings.ContainsAny(a.consumer(), ".*> ") {
		t.Errorf("consumer names %q and %q must differ and be plain tokens", a.consumer(), b.consumer())
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	r := newRecord(fnRef{"123", "fn"}, "arn", "prod", "req-1", "task_1", 2, t0)
	m := message(r, []byte("body"))
	e, err := readEnvelope(m.Header, m.Data)
	if err != nil {
		t.Fatalf("readEnvelope: %v", err)
	}
	if e.ref != r.ref() || e.qualifier != "prod" || e.taskID != "task_1" || e.requestID != "req-1" ||
		e.chain != 2 || !e.accepted.Equal(t0) || string(e.payload) != "body" {
		t.Errorf("got %+v, want the record's identity back", e)
	}
	m.Header.Del(hdrTask)
	if _, err := readEnvelope(m.Header, m.Data); err == nil {
		t.Errorf("got no error for a message without a task id")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		mention string // "" = valid
	}{
		{"embedded", Config{StoreDir: "/tmp/x"}, ""},
		{"external", Config{NATSURL: "nats://127.0.0.1:4222"}, ""},
		{"embedded with a listener", Config{StoreDir: "/tmp/x", EmbeddedListen: "127.0.0.1:0"}, ""},
		{"no store", Config{}, "StoreDir"},
		{"listener with external", Config{NATSURL: "nats://h:1", EmbeddedListen: "127.0.0.1:0"}, "EmbeddedListen"},
		{"bad listener", Config{StoreDir: "/x", EmbeddedListen: "nowhere"}, "EmbeddedListen"},
		{"bad port", Config{StoreDir: "/x", EmbeddedListen: "127.0.0.1:70000"}, "EmbeddedListen"},
		{"negative concurrency", Config{StoreDir: "/x", MaxConcurrencyPerFunction: -1}, "MaxConcurrencyPerFunction"},
		{"short ack wait", Config{StoreDir: "/x", AckWait: time.Millisecond}, "AckWait"},
		{"max below base", Config{StoreDir: "/x", RetryBase: time.Minute, RetryMax: time.Second}, "RetryMax"},
		{"too many replicas", Config{StoreDir: "/x", Replicas: 7}, "Replicas"},
		{"negative retention", Config{StoreDir: "/x", TaskRetention: -1}, "TaskRetention"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			switch {
			case tc.mention == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tc.mention != "" && (err == nil || !strings.Contains(err.Error(), tc.mention)):
				t.Errorf("got %v, want an error naming %s", err, tc.mention)
			}
		})
	}
	d := (&Config{StoreDir: "/x", RetryBase: 10 * time.Minute}).withDefaults()
	if d.MaxConcurrencyPerFunction != DefaultMaxConcurrencyPerFunction || d.RetryMax != 10*time.Minute || d.Region != DefaultRegion {
		t.Errorf("got defaults %+v, want 10 per function, RetryMax raised to RetryBase, region %s", d, DefaultRegion)
	}
}
