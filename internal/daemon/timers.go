package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/yun-fc/yun/internal/async"
	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/store"
	"github.com/yun-fc/yun/internal/trigger"
)

// kindTimerState stores each timer's last fire ({function}/{trigger}), so a
// fire missed while Yun was down is made up at start (within the timer
// scheduler's grace, at most once).
const kindTimerState = "timerstate"

type timerState struct {
	LastFire time.Time `json:"lastFire"`
}

// startTimers loads every timer trigger, follows trigger writes through the
// API's hook, and fires each timer as an async invocation of FC's timer
// event. One node: it is always the leader.
func (d *Daemon) startTimers() error {
	ts, err := trigger.NewScheduler(trigger.Config{Fire: d.fireTimer}, d.cfg.Logger)
	if err != nil {
		return fmt.Errorf("daemon: timers: %w", err)
	}
	ctx := context.Background()
	stored, err := d.api.TriggersOfType(ctx, "timer")
	if err != nil {
		return fmt.Errorf("daemon: timers: %w", err)
	}
	for _, st := range stored {
		t, err := d.timer(ctx, st.AccountID, st.Function, st.Trigger)
		if err == nil {
			err = ts.Add(t)
		}
		if err != nil {
			d.cfg.Logger.Warn("timer trigger not scheduled", "account", st.AccountID, "function", st.Function, "trigger", st.Trigger.TriggerName, "err", err)
		}
	}
	d.api.SetTriggerHook(func(ctx context.Context, account, function string, t *fc.Trigger, deleted bool) {
		d.followTimer(ctx, ts, account, function, t, deleted)
	})
	ts.Start()
	d.timers = ts
	return nil
}

// followTimer applies one trigger write to the timer scheduler.
func (d *Daemon) followTimer(ctx context.Context, ts *trigger.Scheduler, account, function string, t *fc.Trigger, deleted bool) {
	if t.TriggerType != "timer" {
		return
	}
	id := timerID(account, function, t.TriggerName)
	if deleted {
		ts.Remove(id)
		err := d.store.DeleteDoc(ctx, account, kindTimerState, function+"/"+t.TriggerName)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			d.cfg.Logger.Warn("timer state not deleted", "id", id, "err", err)
		}
		return
	}
	timer, err := d.timer(ctx, account, function, t)
	if err == nil {
		if _, exists := ts.Next(id); exists {
			err = ts.Update(timer)
		} else {
			err = ts.Add(timer)
		}
	}
	if err != nil {
		d.cfg.Logger.Warn("timer trigger not scheduled", "id", id, "err", err)
	}
}

func timerID(account, function, name string) string { return account + "/" + function + "/" + name }

// timer builds a scheduler timer from a stored trigger and its last fire.
func (d *Daemon) timer(ctx context.Context, account, function string, t *fc.Trigger) (trigger.Timer, error) {
	cfg, err := fc.ParseTimerTriggerConfig(t.TriggerConfig)
	if err != nil {
		return trigger.Timer{}, err
	}
	timer := trigger.FromConfig(timerID(account, function, t.TriggerName), account, function, t.Qualifier, t.TriggerName, cfg)
	if doc, err := d.store.GetDoc(ctx, account, kindTimerState, function+"/"+t.TriggerName); err == nil {
		var st timerState
		if json.Unmarshal(doc.Value, &st) == nil {
			timer.LastFire = st.LastFire
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return trigger.Timer{}, err
	}
	return timer, nil
}

// fireTimer submits the timer's event as an async invocation (its task id
// is the same for the same timer and time, so a repeated fire runs once) and
// records the fire.
func (d *Daemon) fireTimer(ctx context.Context, f trigger.TimerFire) error {
	_, err := d.async.Submit(ctx, &async.Submission{AccountID: f.AccountID, Function: f.Function,
		Qualifier: f.Qualifier, TaskID: f.TaskID, Payload: f.Event})
	if err != nil {
		return err
	}
	b, _ := json.Marshal(timerState{LastFire: f.Scheduled})
	return d.store.PutDoc(ctx, &store.Doc{AccountID: f.AccountID, Kind: kindTimerState, Name: f.Function + "/" + f.TriggerName, Value: b})
}
