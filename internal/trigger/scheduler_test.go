package trigger

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// recorder is a Fire function that keeps what it is given.
type recorder struct {
	mu    sync.Mutex
	fires []TimerFire
	err   error
}

func (r *recorder) fire(_ context.Context, f TimerFire) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fires = append(r.fires, f)
	return r.err
}

func (r *recorder) got() []TimerFire {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.fires)
}

// times lists the scheduled times of the fires, relative to start.
func (r *recorder) times(start time.Time) []time.Duration {
	var out []time.Duration
	for _, f := range r.got() {
		out = append(out, f.Scheduled.Sub(start))
	}
	return out
}

// newTestScheduler starts a scheduler inside the synctest bubble; Cleanup
// closes it before the bubble ends.
func newTestScheduler(t *testing.T, cfg Config) (*Scheduler, *recorder) {
	t.Helper()
	rec := &recorder{}
	if cfg.Fire == nil {
		cfg.Fire = rec.fire
	}
	s, err := NewScheduler(cfg, nil)
	if err != nil {
		t.Fatalf("NewScheduler: %v", err)
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, rec
}

func timer(id, expr string) Timer {
	return Timer{ID: id, AccountID: "123", Function: "fn", Qualifier: "LATEST", TriggerName: "tick",
		CronExpression: expr, Payload: `{"k":1}`, Enabled: true}
}

func seconds(s ...int) []time.Duration {
	var out []time.Duration
	for _, n := range s {
		out = append(out, time.Duration(n)*time.Second)
	}
	return out
}

func TestEverySecondFiresOnSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, rec := newTestScheduler(t, Config{})
		start := time.Now()
		if err := s.Add(timer("a", "@every 1s")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3500 * time.Millisecond)
		if got, want := rec.times(start), seconds(1, 2, 3); !slices.Equal(got, want) {
			t.Fatalf("got fires at %v, want %v", got, want)
		}
		f := rec.got()[0]
		var ev Event
		if err := json.Unmarshal(f.Event, &ev); err != nil {
			t.Fatalf("event: %v", err)
		}
		want := Event{TriggerTime: start.Add(time.Second).UTC().Format(time.RFC3339), TriggerName: "tick", Payload: `{"k":1}`}
		if ev != want {
			t.Errorf("got event %+v, want %+v", ev, want)
		}
		if f.AccountID != "123" || f.Function != "fn" || f.Qualifier != "LATEST" || f.TimerID != "a" {
			t.Errorf("got fire %+v, want the timer's identity", f)
		}
		ids := map[string]bool{}
		for _, f := range rec.got() {
			ids[f.TaskID] = true
		}
		a := timer("a", "")
		if len(ids) != 3 || f.TaskID != a.fire(f.Scheduled).TaskID {
			t.Errorf("got task ids %v, want one per fire, derived from timer and time", ids)
		}
	})
}

func TestCronFiresInItsZone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, rec := newTestScheduler(t, Config{})
		start := time.Now() // the bubble starts at 2000-01-01 00:00:00 UTC
		tm := timer("a", "CRON_TZ=Asia/Shanghai cron(0 0 9 * * *)")
		if err := s.Add(tm); err != nil {
			t.Fatal(err)
		}
		time.Sleep(48 * time.Hour)
		// 09:00 in Shanghai is 01:00 UTC.
		if got, want := rec.times(start), []time.Duration{time.Hour, 25 * time.Hour}; !slices.Equal(got, want) {
			t.Errorf("got fires at %v after midnight UTC, want %v", got, want)
		}
	})
}

func TestEnableUpdateRemove(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, rec := newTestScheduler(t, Config{})
		start := time.Now()
		off := timer("a", "@every 1s")
		off.Enabled = false
		if err := s.Add(off); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2500 * time.Millisecond)
		if n := len(rec.got()); n != 0 {
			t.Fatalf("got %d fires of a disabled timer, want 0", n)
		}
		if next, ok := s.Next("a"); !ok || !next.IsZero() {
			t.Errorf("got next %v, %v; want a known timer with no next fire", next, ok)
		}
		if err := s.Update(timer("a", "@every 1s")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		if got, want := rec.times(start), seconds(3, 4); !slices.Equal(got, want) {
			t.Errorf("after enabling: got fires at %v, want %v", got, want)
		}
		if !s.Remove("a") {
			t.Errorf("Remove: got false, want true")
		}
		time.Sleep(3 * time.Second)
		if n := len(rec.got()); n != 2 {
			t.Errorf("got %d fires after Remove, want still 2", n)
		}
	})
}

func TestAddAndUpdateRefusals(t *testing.T) {
	s, err := NewScheduler(Config{Fire: (&recorder{}).fire}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Add(timer("a", "@every 1m")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		do   func() error
	}{
		{"add a taken id", func() error { return s.Add(timer("a", "@every 1m")) }},
		{"add a bad expression", func() error { return s.Add(timer("b", "every minute")) }},
		{"update an unknown id", func() error { return s.Update(timer("zzz", "@every 1m")) }},
		{"update to a bad expression", func() error { return s.Update(timer("a", "0 0 *")) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.do(); err == nil {
				t.Errorf("got nil, want an error")
			}
		})
	}
	if s.Remove("zzz") {
		t.Errorf("Remove of an unknown id: got true, want false")
	}
}

type flag struct{ on atomic.Bool }

func (f *flag) IsLeader() bool { return f.on.Load() }

func TestOnlyTheLeaderFires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		leader := &flag{}
		s, rec := newTestScheduler(t, Config{Leader: leader})
		start := time.Now()
		if err := s.Add(timer("a", "@every 1s")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2500 * time.Millisecond)
		if n := len(rec.got()); n != 0 {
			t.Fatalf("got %d fires on a follower, want 0", n)
		}
		leader.on.Store(true)
		time.Sleep(2 * time.Second)
		if got, want := rec.times(start), seconds(3, 4); !slices.Equal(got, want) {
			t.Errorf("got fires at %v once leader, want %v", got, want)
		}
	})
}

func TestMissedFires(t *testing.T) {
	// Now is 01:00:30; a per-minute timer's slots are 01:00:00, 01:01:00, …
	tests := []struct {
		name     string
		expr     string
		lastFire time.Duration // before now, truncated to the minute; 0 = none
		grace    time.Duration
		want     []time.Duration // fires in the next 80 s, relative to now
	}{
		{"none recorded: next slot", "cron(0 * * * * *)", 0, 0, seconds(30)},
		{"missed one within grace: at once", "cron(0 * * * * *)", 90 * time.Second, 0, seconds(-30, 30)},
		{"missed many: only the latest", "cron(0 * * * * *)", time.Hour, 0, seconds(-30, 30)},
		{"missed beyond grace: dropped", "cron(0 0 * * * *)", 2 * time.Hour, 10 * time.Second, nil},
		{"nothing missed", "cron(0 0 * * * *)", 30 * time.Second, 0, nil},
		{"catch-up disabled", "cron(0 * * * * *)", 90 * time.Second, -1, seconds(30)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				time.Sleep(time.Hour + 30*time.Second)
				s, rec := newTestScheduler(t, Config{MissedGrace: tc.grace})
				now := time.Now()
				tm := timer("a", tc.expr)
				if tc.lastFire != 0 {
					tm.LastFire = now.Add(-tc.lastFire).Truncate(time.Minute)
				}
				if err := s.Add(tm); err != nil {
					t.Fatal(err)
				}
				time.Sleep(80 * time.Second)
				if got := rec.times(now); !slices.Equal(got, tc.want) {
					t.Errorf("got fires at %v, want %v", got, tc.want)
				}
			})
		})
	}
}

func TestFireErrorsAreNotRepeated(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{err: errors.New("queue down")}
		s, _ := newTestScheduler(t, Config{Fire: rec.fire})
		if err := s.Add(timer("a", "@every 1s")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2500 * time.Millisecond)
		if n := len(rec.got()); n != 2 {
			t.Errorf("got %d fires, want 2 (a failed fire is not repeated)", n)
		}
	})
}

func TestCloseCancelsAFireInProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cancelled := make(chan struct{})
		s, _ := newTestScheduler(t, Config{Fire: func(ctx context.Context, _ TimerFire) error {
			<-ctx.Done()
			close(cancelled)
			return ctx.Err()
		}})
		if err := s.Add(timer("a", "@every 1s")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond)
		s.Close()
		select {
		case <-cancelled:
		default:
			t.Errorf("Close returned before the fire in progress was cancelled")
		}
		s.Close() // idempotent
	})
}

func TestCloseWithoutStart(t *testing.T) {
	s, err := NewScheduler(Config{Fire: (&recorder{}).fire}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Start() // after Close: does nothing
	s.Close()
}

// TestOneSecondScheduleInRealTime is the one test on the real clock: a
// one-second timer fires twice within a generous deadline.
func TestOneSecondScheduleInRealTime(t *testing.T) {
	fired := make(chan TimerFire, 10)
	s, err := NewScheduler(Config{Fire: func(_ context.Context, f TimerFire) error { fired <- f; return nil }}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Add(timer("a", "@every 1s")); err != nil {
		t.Fatal(err)
	}
	s.Start()
	var got []time.Time
	for len(got) < 2 {
		select {
		case f := <-fired:
			got = append(got, f.Scheduled)
		case <-time.After(30 * time.Second):
			t.Fatalf("got %d fires in 30s, want 2", len(got))
		}
	}
	if d := got[1].Sub(got[0]); d != time.Second {
		t.Errorf("got scheduled times %v apart, want 1s", d)
	}
}
