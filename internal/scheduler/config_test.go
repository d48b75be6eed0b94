package scheduler

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

var errTest = errors.New("test failure")

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // substring; "" for valid
	}{
		{"zero value", Config{}, ""},
		{"all set", Config{KeepAlive: time.Minute, MaxQueueLength: 5, MaxQueueWait: time.Second,
			MaxInstances: 3, StartRate: 0.5, StartBurst: 1}, ""},
		{"negative keep-alive", Config{KeepAlive: -time.Second}, "KeepAlive -1s"},
		{"negative queue length", Config{MaxQueueLength: -1}, "MaxQueueLength -1"},
		{"negative queue wait", Config{MaxQueueWait: -time.Second}, "MaxQueueWait -1s"},
		{"negative max instances", Config{MaxInstances: -2}, "MaxInstances -2"},
		{"negative start rate", Config{StartRate: -1}, "StartRate -1"},
		{"NaN start rate", Config{StartRate: math.NaN()}, "StartRate NaN"},
		{"infinite start rate", Config{StartRate: math.Inf(1)}, "StartRate +Inf"},
		{"negative burst", Config{StartBurst: -3}, "StartBurst -3"},
		{"negative quota", Config{AccountInstanceQuota: -1}, "AccountInstanceQuota -1"},
		{"negative node memory", Config{NodeMemoryMB: -512}, "NodeMemoryMB -512"},
		{"negative max starting", Config{MaxStarting: -1}, "MaxStarting -1"},
		{"target utilisation one", Config{TargetUtilization: 1}, ""},
		{"target utilisation a half", Config{TargetUtilization: 0.5}, ""},
		{"negative target utilisation", Config{TargetUtilization: -0.1}, "TargetUtilization -0.1"},
		{"target utilisation above one", Config{TargetUtilization: 1.5}, "TargetUtilization 1.5"},
		{"NaN target utilisation", Config{TargetUtilization: math.NaN()}, "TargetUtilization NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	got := Config{MaxInstances: 7}.withDefaults()
	want := Config{KeepAlive: DefaultKeepAlive, MaxQueueLength: DefaultMaxQueueLength,
		MaxQueueWait: DefaultMaxQueueWait, MaxInstances: 7, StartRate: DefaultStartRate,
		StartBurst: DefaultStartBurst, MaxStarting: DefaultMaxStarting(), TargetUtilization: DefaultTargetUtilization,
		KeepAlivePolicy:      FixedKeepAlive(DefaultKeepAlive),
		AccountInstanceQuota: DefaultAccountInstanceQuota}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(Config{MaxInstances: -1}, &fakeEngine{}, &fakeCode{}, nil); err == nil {
		t.Errorf("New with MaxInstances -1: got nil error, want one")
	}
}

func TestTargetValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Target)
		wantErr string
	}{
		{"valid", func(*Target) {}, ""},
		{"zero concurrency means 1", func(t *Target) { t.Concurrency = 0 }, ""},
		{"empty key", func(t *Target) { t.Key = "" }, "empty Key"},
		{"negative concurrency", func(t *Target) { t.Concurrency = -1 }, "Concurrency -1"},
		{"concurrency above FC's limit", func(t *Target) { t.Concurrency = 201 }, "Concurrency 201"},
		{"negative timeout", func(t *Target) { t.Timeout = -time.Second }, "Timeout -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target("acct/f", 1)
			tt.mutate(tg)
			err := tg.validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
	var nilTarget *Target
	if err := nilTarget.validate(); err == nil {
		t.Errorf("nil target: got nil error, want one")
	}
}

func TestWaitBound(t *testing.T) {
	tests := []struct {
		timeout, maxWait, want time.Duration
	}{
		{time.Minute, 30 * time.Second, 30 * time.Second},
		{3 * time.Second, 30 * time.Second, 3 * time.Second},
		{0, 30 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		tg := Target{Timeout: tt.timeout}
		if got := tg.waitBound(tt.maxWait); got != tt.want {
			t.Errorf("timeout %v, max wait %v: got %v, want %v", tt.timeout, tt.maxWait, got, tt.want)
		}
	}
}
